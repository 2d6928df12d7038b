// Bench: start-up of `riskgate --version` (what every CI invocation pays first) against `node -e 0` in the same run.
// Usage: npm run build && node bench/check-startup.mjs [runs]
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(repo, 'dist', 'cli', 'main.js');
const runs = Number(process.argv[2] ?? 21);

function time(args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const node = [];
const version = [];
const help = [];
for (let i = 0; i < runs; i++) {
  node.push(time(['-e', '0']));
  version.push(time([cli, '--version']));
  help.push(time([cli, 'check', '--help']));
}
const n = median(node);
const v = median(version);
const h = median(help);
console.log(`start-up (${runs} runs, median wall time)`);
console.log(`  node -e 0:                ${n.toFixed(0)} ms`);
console.log(`  riskgate --version:       ${v.toFixed(0)} ms  (ratio ${(v / n).toFixed(2)})  target <= 300 ms`);
console.log(`  riskgate check --help:    ${h.toFixed(0)} ms  (ratio ${(h / n).toFixed(2)})`);
