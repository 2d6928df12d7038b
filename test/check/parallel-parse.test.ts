// Parsing on worker threads: the report is byte for byte the one a single thread writes; threads only when cores are idle.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { MIN_FILES_PER_THREAD, threadsFor } from '../../src/check/parallel-parse.js';
import { parseManifestText } from '../../src/request/manifest-documents.js';
import { REPO, requireBuiltCli, runCli } from './cli-run.js';

describe('parallel parsing', () => {
  test('threadsFor: one thread per MIN_FILES_PER_THREAD files, capped by idle cores', () => {
    expect(threadsFor(10, 8, 0)).toBe(1);
    expect(threadsFor(MIN_FILES_PER_THREAD * 2, 8, 0)).toBe(2);
    expect(threadsFor(100_000, 8, 0)).toBe(4);
    expect(threadsFor(100_000, 2, 0.5)).toBe(2);
    expect(threadsFor(100_000, 2, 3.7)).toBe(1);
  });

  test('the built worker parses what it is given exactly as parseManifestText does', async () => {
    requireBuiltCli();
    const texts = ['apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\nkind: [\n', '[{"apiVersion": "v1", "kind": "Pod"}]'];
    const worker = new Worker(join(REPO, 'dist', 'check', 'parse-worker.js'), { workerData: texts });
    const result = await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
    expect(result).toEqual(texts.map(parseManifestText));
  });

  test('the CLI with 3 parsing threads writes the same JSON report as with 1 (a bad document included)', async () => {
    requireBuiltCli();
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-parallel-'));
    try {
      const files = MIN_FILES_PER_THREAD * 3;
      for (let i = 0; i < files; i++) {
        const text = i === 778 ? 'apiVersion: v1\nkind: Service\nmetadata: {name: [\n' : `apiVersion: v1\nkind: Service\nmetadata: {name: s${i}}\nspec: {type: ${i % 3 === 0 ? 'NodePort' : 'ClusterIP'}}\n`;
        writeFileSync(join(dir, `m${String(i).padStart(4, '0')}.yaml`), text);
      }
      const one = await runCli(['check', '.', '--output', 'json'], dir, '', { RISKGATE_CHECK_THREADS: '1' });
      const three = await runCli(['check', '.', '--output', 'json'], dir, '', { RISKGATE_CHECK_THREADS: '3' });
      expect(one.code).toBe(2);
      expect(three).toEqual(one);
      const report = JSON.parse(one.stdout) as { summary: { objects: number; recorded: number; errors: number } };
      expect(report.summary).toMatchObject({ objects: files - 1, recorded: files / 3, errors: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
