// Bench: load and soak of the real `riskgate serve` (child process) over keep-alive TLS with a mix of allow/deny/warn/record
// reviews for a set time; prints throughput, p50/p99/p99.9, errors, the server's RSS at start and end (and growth), the first
// vs last window as the in-run baseline, and risk events recorded vs expected (0 lost).
// Usage: npm run build && node bench/load-soak.mjs [--seconds 60] [--clients 8] [--warmup 5]
import { spawn } from 'node:child_process';
import { closeSync, createReadStream, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVE_NODE_FLAGS } from './serve-node-flags.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { createCa, createServingCert } = await import(join(repo, 'dist/tls/certificates.js'));
const { readEventStore } = await import(join(repo, 'dist/sinks/event-store-reader.js'));

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number, got ${process.argv[at + 1]}`);
  return value;
}
const seconds = option('seconds', 60);
const clients = option('clients', 8);
const warmup = option('warmup', Math.min(5, seconds / 10));
const WINDOW_S = Math.max(1, Math.min(10, seconds / 6));

// Real kube-apiserver bodies; the policy gives each its verdict (as in test/hardening/webhook-harness.ts).
const captures = join(repo, 'test/fixtures/kube-apiserver-v1.32/admissionreview');
const capture = (prefix) => JSON.parse(readFileSync(join(captures, readdirSync(captures).find((f) => f.startsWith(prefix) && f.endsWith('.request.json'))), 'utf8'));
const BODIES = [
  { kind: 'allow', body: capture('002'), allowed: true, events: 0 }, // ClusterIP Service: no rule
  { kind: 'deny', body: capture('001'), allowed: false, events: 1 }, // NodePort Service
  { kind: 'warn', body: capture('007'), allowed: true, events: 1 }, // DaemonSet
  { kind: 'record', body: capture('011'), allowed: true, events: 1 }, // shell exec into a pod
];
const POLICY = [
  'apiVersion: riskgate.io/v1',
  'kind: Policy',
  'rules:',
  '  kubernetes-node-port-creation: {action: deny}',
  '  kubernetes-daemonset-deployed: {action: warn}',
  '  kubernetes-shell-exec-into-pod: {action: record}',
  '',
].join('\n');

const rssOf = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function startServer(dir) {
  const now = new Date();
  const ca = createCa({ commonName: 'riskgate soak CA', now, days: 2 });
  const serving = createServingCert({ ca, commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], now, days: 2 });
  const files = { cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key'), policy: join(dir, 'policy.yaml'), data: join(dir, 'data'), log: join(dir, 'serve.log') };
  writeFileSync(files.cert, serving.cert);
  writeFileSync(files.key, serving.key);
  writeFileSync(files.policy, POLICY);
  // stdout (logs and every risk event line) goes to a file: the bench reads it after the run, not during it.
  const out = openSync(files.log, 'w');
  const args = ['serve', '--host', '127.0.0.1', '--port', '0', '--tls-cert', files.cert, '--tls-key', files.key, '--policy', files.policy, '--data-dir', files.data, '--drain-timeout', '10'];
  const child = spawn(process.execPath, [...SERVE_NODE_FLAGS, join(repo, 'dist/cli/main.js'), ...args], { stdio: ['ignore', out, 'inherit'] });
  closeSync(out);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(50)) {
    const url = /"url":"(https:\/\/[^"]+)","paths"/.exec(readFileSync(files.log, 'utf8'))?.[1];
    if (url) return { child, exited, port: Number(new URL(url).port), ca: ca.cert, files };
    if (child.exitCode !== null) break;
  }
  child.kill('SIGKILL');
  throw new Error(`serve did not start: ${readFileSync(files.log, 'utf8')}`);
}

/** One review; resolves with its outcome (never rejects). */
function review(agent, port, text, uid) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/validate', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ uid, status: res.statusCode, text: Buffer.concat(chunks).toString('utf8'), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      res.on('error', (error) => resolve({ uid, error: error.code ?? error.message }));
    });
    req.on('error', (error) => resolve({ uid, error: error.code ?? error.message }));
    req.end(text);
  });
}

function checkAnswer(outcome, expected) {
  if (outcome.error) return `network ${outcome.error}`;
  if (outcome.status !== 200) return `HTTP ${outcome.status}`;
  let answer;
  try {
    answer = JSON.parse(outcome.text).response;
  } catch {
    return 'not JSON';
  }
  if (answer?.uid !== outcome.uid) return 'uid mismatch';
  if (answer.allowed !== expected.allowed) return `wrong verdict for ${expected.kind}`;
  return undefined;
}

async function soak(server) {
  const startedAt = performance.now();
  const endAt = startedAt + seconds * 1000;
  const stats = { sent: 0, answered: 0, errors: new Map(), latencies: [], windows: [], byKind: new Map(BODIES.map((b) => [b.kind, []])) };
  const texts = BODIES.map((b) => JSON.stringify(b.body).replace(`"uid":"${b.body.request.uid}"`, '"uid":"@UID@"'));
  const client = async (n) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: server.ca });
    for (let i = 0; performance.now() < endAt; i++) {
      const index = stats.sent++;
      const b = BODIES[index % BODIES.length];
      const uid = `soak-${n}-${i}`;
      const outcome = await review(agent, server.port, texts[index % BODIES.length].replace('@UID@', uid), uid);
      const problem = checkAnswer(outcome, b);
      if (problem) {
        stats.errors.set(problem, (stats.errors.get(problem) ?? 0) + 1);
        continue;
      }
      stats.answered++;
      stats.byKind.get(b.kind).push(uid);
      const at = (performance.now() - startedAt) / 1000;
      if (at < warmup) continue;
      stats.latencies.push(outcome.ms);
      const w = Math.floor((at - warmup) / WINDOW_S);
      (stats.windows[w] ??= []).push(outcome.ms);
    }
    agent.destroy();
  };
  const rss = [];
  const sampler = setInterval(() => rss.push({ at: (performance.now() - startedAt) / 1000, mib: rssOf(server.child.pid) }), 1000);
  await Promise.all(Array.from({ length: clients }, (_, n) => client(n)));
  clearInterval(sampler);
  stats.measuredSeconds = (performance.now() - startedAt) / 1000 - warmup;
  stats.rss = rss;
  return stats;
}

/** Risk-event lines serve wrote to stdout (its log sink: what a log collector ships), by the review uid they carry. */
async function loggedEventUids(logFile) {
  const uids = [];
  const lines = createInterface({ input: createReadStream(logFile, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.includes('"msg":"riskgate.risk_event"')) continue;
    uids.push(/"uid":"(soak-[^"]+)"/.exec(line)?.[1]);
  }
  return uids;
}

function compare(label, uids, expected) {
  const seen = new Set(uids);
  const missing = [...expected].filter((u) => !seen.has(u)).length;
  const unexpected = [...seen].filter((u) => !expected.has(u)).length;
  console.log(`  ${label.padEnd(30)} ${String(uids.length).padStart(8)} events (${seen.size} reviews)  missing ${missing}  unexpected ${unexpected}`);
  return missing;
}

const dir = mkdtempSync(join(tmpdir(), 'riskgate-soak-'));
try {
  const server = await startServer(dir);
  await sleep(500);
  const rssStart = rssOf(server.child.pid);
  console.log(`load soak: riskgate serve (child process), ${clients} keep-alive TLS clients, ${seconds} s (first ${warmup} s warm-up), allow/deny/warn/record in turn`);
  console.log(`  machine: ${availableParallelism()} CPUs (shared by server and clients), load average at start ${load()}`);
  const stats = await soak(server);
  const rssEnd = rssOf(server.child.pid);
  const exit = await (server.child.kill('SIGTERM'), server.exited);

  const sorted = [...stats.latencies].sort((a, b) => a - b);
  const errorCount = [...stats.errors.values()].reduce((a, b) => a + b, 0);
  console.log(`  load average at end ${load()}; serve exit ${JSON.stringify(exit)}`);
  console.log(`  reviews answered ${stats.answered} (sent ${stats.sent}), errors ${errorCount}${errorCount ? ` ${JSON.stringify(Object.fromEntries(stats.errors))}` : ''}`);
  console.log(`  throughput ${(sorted.length / stats.measuredSeconds).toFixed(0)} reviews/s after warm-up`);
  console.log(`  latency p50 ${percentile(sorted, 50).toFixed(2)} ms  p99 ${percentile(sorted, 99).toFixed(2)} ms  p99.9 ${percentile(sorted, 99.9).toFixed(2)} ms  max ${sorted.at(-1)?.toFixed(1)} ms`);
  // Full windows only (the run's tail is a partial one): the first is the in-run baseline the last is compared with.
  const full = Math.floor(stats.measuredSeconds / WINDOW_S);
  const windows = Array.from({ length: full }, (_, i) => {
    const s = [...(stats.windows[i] ?? [])].sort((a, b) => a - b);
    return { rate: s.length / WINDOW_S, p99: percentile(s, 99) };
  });
  if (windows.length >= 2) {
    const [first, last] = [windows[0], windows.at(-1)];
    console.log(`  ${WINDOW_S.toFixed(1)} s windows, reviews/s: ${windows.map((w) => w.rate.toFixed(0)).join(' ')}; p99 ms: ${windows.map((w) => w.p99.toFixed(1)).join(' ')}`);
    console.log(`  last window / first window: throughput ${(last.rate / first.rate).toFixed(2)}, p99 ${(last.p99 / first.p99).toFixed(2)}`);
  }
  const warmRss = stats.rss.find((s) => s.at >= warmup)?.mib ?? rssStart;
  const peak = Math.max(...stats.rss.map((s) => s.mib));
  console.log(
    `  server RSS: ${rssStart.toFixed(1)} MiB idle at start, ${warmRss.toFixed(1)} MiB after warm-up, ${rssEnd.toFixed(1)} MiB at end ` +
      `(growth since warm-up ${(rssEnd - warmRss).toFixed(1)} MiB = ${((rssEnd / warmRss - 1) * 100).toFixed(1)}%), peak ${peak.toFixed(1)} MiB`,
  );

  // Every deny/warn/record review answered must have recorded its event: in the log stream and in the local store.
  const expected = new Set(BODIES.filter((b) => b.events > 0).flatMap((b) => stats.byKind.get(b.kind)));
  console.log(`  risk events expected ${expected.size} (one per answered deny/warn/record review, ${stats.byKind.get('allow').length} allow reviews record none)`);
  const lostInLog = compare('stdout risk-event lines', await loggedEventUids(server.files.log), expected);
  const store = readEventStore(server.files.data);
  const lostInStore = compare('local event store', store.events.map((e) => e.fields.uid), expected);
  // The store keeps the newest 64 MiB of archived segments (the auditor view's retention): what it lacks must be each
  // client's oldest events, rolled out by that cap; a missing event among the newest is a lost one.
  const stored = new Set(store.events.map((e) => e.fields.uid));
  const holes = Array.from({ length: clients }, (_, n) => {
    const mine = [...expected].filter((u) => u.startsWith(`soak-${n}-`)).map((u) => Number(u.split('-')[2])).sort((a, b) => a - b);
    const firstKept = mine.findIndex((i) => stored.has(`soak-${n}-${i}`));
    return firstKept === -1 ? mine.length : mine.slice(firstKept).filter((i) => !stored.has(`soak-${n}-${i}`)).length;
  }).reduce((a, b) => a + b, 0);
  const rolledOut = lostInStore - holes;
  if (store.skippedLines) console.log(`  local event store: ${store.skippedLines} unreadable lines`);
  if (rolledOut > 0) console.log(`  local store retention: the oldest ${rolledOut} events rolled out by its 64 MiB archive cap (they are in the log stream)`);
  console.log(`  events lost: ${lostInLog + holes} (${lostInLog} missing from the log stream, ${holes} missing among the local store's newest)`);
  process.exitCode = errorCount > 0 || lostInLog > 0 || holes > 0 ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
