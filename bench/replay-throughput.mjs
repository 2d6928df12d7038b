// Bench: `riskgate replay` over a generated audit log (1 GiB by default) against a bare readline + JSON.parse loop over
// the same file in the same run: MB/s and peak RSS of each, and the ratio. The log is written to a temp dir and deleted.
// Usage: npm run build && node bench/replay-throughput.mjs [--size-mb 1024] [--runs 1] [--output table|json|risk-events]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateAuditLog } from './replay-log-generator.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'dist', 'cli', 'main.js');
const { values } = parseArgs({ options: { 'size-mb': { type: 'string', default: '1024' }, runs: { type: 'string', default: '1' }, output: { type: 'string', default: 'table' } } });
const sizeMb = Number(values['size-mb']);
const runs = Number(values.runs);
const MiB = 1024 * 1024;

/** Runs a node script in its own process; returns wall time, CPU time and peak RSS from bench/replay-peak-rss.mjs. */
function measure(dir, args) {
  const rssFile = join(dir, 'rss.json');
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--import', join(here, 'replay-peak-rss.mjs'), ...args], {
    env: { ...process.env, RISKGATE_BENCH_RSS_FILE: rssFile },
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  const usage = JSON.parse(readFileSync(rssFile, 'utf8'));
  return { ms, cpuMs: usage.cpuMs, rssMiB: usage.maxRssBytes / MiB, stderr: run.stderr.trim() };
}

const best = (xs) => xs.reduce((a, b) => (b.ms < a.ms ? b : a));
const dir = mkdtempSync(join(tmpdir(), 'riskgate-bench-replay-'));
try {
  const log = join(dir, 'audit.log');
  const genStart = Date.now();
  const events = await generateAuditLog(log, sizeMb * MiB);
  const bytes = statSync(log).size;
  console.log(`generated ${(bytes / MiB).toFixed(0)} MiB, ${events} audit events in ${((Date.now() - genStart) / 1000).toFixed(1)} s (${log})`);
  const bare = [];
  const replay = [];
  for (let i = 0; i < runs; i++) {
    bare.push(measure(dir, [join(here, 'replay-bare-loop.mjs'), log]));
    replay.push(measure(dir, [cli, 'replay', '--output', values.output, log]));
  }
  const b = best(bare);
  const r = best(replay);
  const rate = (m) => bytes / MiB / (m.ms / 1000);
  console.log(`bare readline + JSON.parse: ${rate(b).toFixed(1)} MiB/s  (${(b.ms / 1000).toFixed(1)} s wall, ${(b.cpuMs / 1000).toFixed(1)} s CPU)  peak RSS ${b.rssMiB.toFixed(0)} MiB`);
  console.log(`riskgate replay --output ${values.output}: ${rate(r).toFixed(1)} MiB/s  (${(r.ms / 1000).toFixed(1)} s wall, ${(r.cpuMs / 1000).toFixed(1)} s CPU)  peak RSS ${r.rssMiB.toFixed(0)} MiB`);
  console.log(`  ${r.stderr.split('\n').at(-1)}`);
  console.log(`ratio replay/bare: ${(rate(r) / rate(b)).toFixed(2)}  (target >= 0.70)   replay peak RSS ${r.rssMiB.toFixed(0)} MiB (target <= 150 MiB)   best of ${runs} run(s)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
