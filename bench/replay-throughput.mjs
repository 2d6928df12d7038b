// Bench: `riskgate replay` over a generated audit log (1 GiB by default) against a bare readline + JSON.parse loop over
// the same file in the same run: MB/s, CPU time and peak RSS of each, the ratios, and RSS over the replay (flat or not).
// The log is written to a temp dir under $TMPDIR (/tmp) and deleted at the end.
// Usage: npm run build && node bench/replay-throughput.mjs [--size 1G|256M|…] [--runs 1] [--output table|json|risk-events]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateAuditLog } from './replay-log-generator.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'dist', 'cli', 'main.js');
const MiB = 1024 * 1024;
const UNITS = { K: 1 / 1024, M: 1, G: 1024 };

/** `1G`, `1GiB`, `256M`, `512MB`, or a plain number of MiB. */
function sizeMiB(text) {
  const m = /^(\d+(?:\.\d+)?)\s*([KMG])?(?:i?B)?$/i.exec(text.trim());
  if (!m) throw new Error(`--size ${text}: expected e.g. 1G, 256M or 64 (MiB)`);
  return Number(m[1]) * UNITS[(m[2] ?? 'M').toUpperCase()];
}

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1G' },
    'size-mb': { type: 'string' },
    runs: { type: 'string', default: '1' },
    output: { type: 'string', default: 'table' },
  },
});
const sizeMb = values['size-mb'] !== undefined ? Number(values['size-mb']) : sizeMiB(values.size);
const runs = Number(values.runs);
const load = () => loadavg().map((l) => l.toFixed(2)).join(', ');

/** Runs a node script in its own process; returns wall time, CPU time, peak RSS and RSS samples (bench/replay-peak-rss.mjs). */
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
  return { ms, cpuMs: usage.cpuMs, rssMiB: usage.maxRssBytes / MiB, samples: usage.rssSamples.map((b) => b / MiB), stderr: run.stderr.trim() };
}

/** Peak RSS in each quarter of the run: flat when the last quarters do not grow. */
function quarters(samples) {
  if (samples.length < 4) return 'too short a run to sample';
  const q = samples.length / 4;
  return [0, 1, 2, 3].map((i) => Math.max(...samples.slice(Math.floor(i * q), Math.floor((i + 1) * q))).toFixed(0)).join(' / ');
}

const best = (xs) => xs.reduce((a, b) => (b.ms < a.ms ? b : a));
const dir = mkdtempSync(join(tmpdir(), 'riskgate-bench-replay-'));
try {
  console.log(`load average at start: ${load()} (${process.env.CI ? 'CI' : 'local'}, node ${process.version})`);
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
  const mbs = (m) => bytes / 1e6 / (m.ms / 1000);
  const line = (name, m) =>
    `${name.padEnd(36)} ${mbs(m).toFixed(1).padStart(6)} MB/s  ${(m.ms / 1000).toFixed(1).padStart(6)} s wall  ${(m.cpuMs / 1000).toFixed(1).padStart(6)} s CPU  peak RSS ${m.rssMiB.toFixed(0)} MiB`;
  console.log(line('bare readline + JSON.parse', b));
  console.log(line(`riskgate replay --output ${values.output}`, r));
  console.log(`  ${r.stderr.split('\n').at(-1)}`);
  console.log(`  replay RSS by quarter of the run (MiB): ${quarters(r.samples)}`);
  console.log(
    `ratio replay/bare: ${(mbs(r) / mbs(b)).toFixed(2)} by wall time, ${(b.cpuMs / r.cpuMs).toFixed(2)} by CPU time (target >= 0.70); ` +
      `replay peak RSS ${r.rssMiB.toFixed(0)} MiB (target <= 150 MiB); best of ${runs} run(s)`,
  );
  console.log(`load average at end: ${load()}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
