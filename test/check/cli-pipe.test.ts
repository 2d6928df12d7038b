// `riskgate check DIR | head`: a reader that closes the pipe early gets no crash and no stack trace on stderr.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, requireBuiltCli } from './cli-run.js';

test('closing stdout after the first line leaves stderr empty and the exit code that of the check', async () => {
  requireBuiltCli();
  const dir = mkdtempSync(join(tmpdir(), 'riskgate-pipe-'));
  try {
    for (let i = 0; i < 2000; i++) writeFileSync(join(dir, `m${i}.yaml`), `apiVersion: v1\nkind: Service\nmetadata: {name: s${i}}\nspec: {type: NodePort}\n`);
    const child = spawn(process.execPath, [CLI, 'check', dir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RISKGATE_CHECK_THREADS: '1' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
