// Bench: admission-path latency (review + sink.write) with the HEC sink healthy vs stalled (a HEC that never answers),
// against the review alone, in the same run. p50/p99/p99.9 per mode; the figure is p99 stalled / p99 healthy (target: ~1, noise).
// Reviews are paced at a steady rate (default 2,000/s, a busy cluster) so the healthy sink really delivers meanwhile.
// Usage: npm run build && node bench/hec-admission-latency.mjs [reviews per round] [rounds] [reviews per second]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { HecSink } = await import(join(repo, 'dist/sinks/hec-sink.js'));
const { reviewAdmission } = await import(join(repo, 'dist/webhook/review.js'));
const { parsePolicy } = await import(join(repo, 'dist/engine/policy-file.js'));
const { RULES } = await import(join(repo, 'dist/rules/catalog.js'));

const perRound = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.argv[3] ?? 3);
const rate = Number(process.argv[4] ?? 2_000);
const captures = join(repo, 'test/fixtures/kube-apiserver-v1.32/admissionreview');
const body = JSON.parse(readFileSync(join(captures, readdirSync(captures).find((f) => f.startsWith('001') && f.endsWith('.request.json'))), 'utf8'));
const policy = parsePolicy('rules:\n  kubernetes-node-port-creation: {action: deny}\n', 'bench-policy.yaml', RULES);

function startServer(mode) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repo, 'bench/hec-bench-server.mjs'), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.once('data', (d) => resolve({ child, port: Number(String(d).trim()) }));
    child.once('error', reject);
  });
}

/** One review as the webhook route does it: decode, evaluate, decide, build the answer and risk events, hand them to the sink. */
function admit(sink, i) {
  body.request.uid = `bench-${i}`;
  const result = reviewAdmission({ body, policy, rules: RULES, now: new Date(), scope: 'all' });
  sink?.write(result.riskEvents);
  return result;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function measure(label, sink) {
  const times = new Float64Array(perRound);
  for (let i = 0; i < 2_000; i++) admit(sink, i); // warm-up
  const begin = performance.now();
  for (let i = 0; i < perRound; ) {
    const due = Math.min(perRound, Math.floor(((performance.now() - begin) / 1000) * rate) + 1);
    for (; i < due; i++) {
      const start = process.hrtime.bigint();
      admit(sink, i);
      times[i] = Number(process.hrtime.bigint() - start) / 1e3; // µs
    }
    await sleep(1); // the event loop runs the delivery, timers and sockets between reviews, as in the server
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { label, p50: percentile(sorted, 50), p99: percentile(sorted, 99), p999: percentile(sorted, 99.9) };
}

async function withSink(mode) {
  const { child, port } = await startServer(mode);
  const dataDir = mkdtempSync(join(tmpdir(), `riskgate-bench-${mode}-`));
  const sink = new HecSink({ url: `http://127.0.0.1:${port}`, token: 'bench', dataDir, ack: true, ackPollMs: 50, requestTimeoutMs: 2_000, closeDrainMs: 0 });
  try {
    const r = await measure(mode, sink);
    r.queued = sink.stats().queueDepth;
    return r;
  } finally {
    await sink.close();
    child.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results = { review: [], healthy: [], stalled: [] };
for (let round = 0; round < rounds; round++) {
  results.review.push(await measure('review', undefined));
  results.healthy.push(await withSink('healthy'));
  results.stalled.push(await withSink('stalled'));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const row = (name, rs) => {
  const m = (k) => median(rs.map((r) => r[k]));
  const queued = rs[0].queued === undefined ? '' : `  events left in spool ${rs.map((r) => r.queued).join('/')}`;
  console.log(`  ${name.padEnd(28)} p50 ${m('p50').toFixed(1).padStart(6)} µs  p99 ${m('p99').toFixed(1).padStart(6)} µs  p99.9 ${m('p999').toFixed(1).padStart(7)} µs${queued}`);
  return m('p99');
};
console.log(`admission path: review + sink.write, ${perRound} reviews at ${rate}/s x ${rounds} rounds (median of rounds); ${availableParallelism()} CPUs, load ${loadavg()[0].toFixed(2)}`);
const base = row('review only (no sink)', results.review);
const healthy = row('HEC sink, HEC healthy (ack)', results.healthy);
const stalled = row('HEC sink, HEC stalled', results.stalled);
console.log(`  ratio p99 stalled / healthy: ${(stalled / healthy).toFixed(2)}   (sink cost: healthy / review-only p99 ${(healthy / base).toFixed(2)})`);
