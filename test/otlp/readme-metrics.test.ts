// docs/metric-detections.md is true: its detect-metrics example is re-run, its SPL blocks are riskgate spl's output.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { RULES } from '../../src/rules/catalog.js';
import { reviewAdmission } from '../../src/webhook/review.js';
import { capturedReview } from '../fixture-path.js';
import { riskgate } from '../replay/cli-process.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const section = readFileSync(join(REPO, 'docs', 'metric-detections.md'), 'utf8');

/** The fenced blocks of the section whose info string is `lang` ('' for a plain fence), in order. */
function blocks(lang: string): string[] {
  const out: string[] = [];
  let open: { lang: string; lines: string[] } | undefined;
  for (const line of section.split('\n')) {
    if (!line.startsWith('```')) open?.lines.push(line);
    else if (!open) open = { lang: line.slice(3).trim(), lines: [] };
    else {
      if (open.lang === lang) out.push(`${open.lines.join('\n')}\n`);
      open = undefined;
    }
  }
  return out;
}

describe('docs/metric-detections.md', () => {
  test('the detect-metrics example prints what the README shows (stdout, then the stderr summary)', async () => {
    const block = blocks('console').find((b) => b.startsWith('$ npx riskgate detect-metrics'))!;
    const [command, ...output] = block.trimEnd().split('\n');
    const args = command!.slice('$ npx riskgate '.length).split(' ');
    const run = await riskgate(args.map((a) => (a.startsWith('test/') ? join(REPO, a) : a)));
    expect(run.code).toBe(0);
    expect(`${run.stdout}${run.stderr}`).toBe(`${output.join('\n')}\n`);
  });

  test('the corrected seed 003 search, the seed 004 search and the exec twin deny message are real output', async () => {
    const plain = blocks('');
    for (const rule of ['kubernetes-newly-seen-tcp-edge', 'kubernetes-shell-running-on-worker-node']) {
      const run = await riskgate(['spl', '--rule', rule]);
      expect(plain).toContain(run.stdout);
    }
    const policy = parsePolicy('rules:\n  kubernetes-shell-exec-into-pod: {action: deny}\n', 'policy.yaml', RULES);
    const answer = reviewAdmission({ body: capturedReview('012'), policy, rules: RULES, now: new Date(), scope: 'all' });
    expect(plain).toContain(`${answer.response.response.status?.message}\n`);
  });

  test('every serve option the section documents exists, and no receiver option is left out', async () => {
    const help = (await riskgate(['serve', '--help'])).stdout;
    const documented = [...section.matchAll(/^\| `(--[a-z-]+)/gm)].map((m) => m[1]!);
    expect(documented).toEqual(['--otlp-port', '--otlp-host', '--otlp-token-file', '--otlp-client-ca', '--otlp-insecure', '--data-dir', '--baseline-window', '--warmup', '--baseline-max-clusters', '--baseline-max-edges', '--shells']);
    for (const option of documented) expect(help).toContain(option);
  });
});
