// Bench: riskgate's webhook (the real `riskgate serve` process: policy, express, review, log sink on stdout, local event
// store, /metrics) against a bare node:https server answering a fixed AdmissionReview, in the same run, over keep-alive TLS
// with the captured kube-apiserver bodies. (1) max throughput with N connections → reviews/s and the ratio webhook/bare;
// (2) open loop at a fixed rate → p50/p99 latency; then each server's RSS and CPU per review.
// Each server first runs --warmup seconds at max throughput (JIT), unmeasured; each figure then gets 0.25 s to settle.
// Usage: npm run -s build && node bench/webhook-throughput.mjs [--seconds 1.5] [--warmup 2] [--connections 8] [--rate 1000]
//        [--rounds 1] [--path /validate] [--log-file FILE] [--cpu-prof DIR (profile of the webhook process)]
import { spawn } from 'node:child_process';
import { get as httpsGet } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { ReviewConnection, closedLoop, openLoop, percentile } from './keep-alive-review-client.mjs';
import { SERVE_NODE_FLAGS } from './serve-node-flags.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '1.5' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '8' },
    rate: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '1' },
    path: { type: 'string', default: '/validate' },
    'log-file': { type: 'string' },
    'cpu-prof': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).join('\n'));
  process.exit(0);
}
const measureMs = Number(flags.seconds) * 1000;
const warmupMs = Number(flags.warmup) * 1000;
/** Before each figure, unmeasured: lets the previous phase's connections and GC settle. */
const SETTLE_MS = 250;
const connectionCount = Number(flags.connections);
const rate = Number(flags.rate);
const rounds = Number(flags.rounds);
for (const [name, value] of Object.entries({ seconds: measureMs, warmup: warmupMs, connections: connectionCount, rate, rounds })) {
  if (!Number.isFinite(value) || value < 0 || (name !== 'warmup' && value === 0)) throw new Error(`--${name} must be a positive number`);
}

const { createCa, createServingCert } = await import(join(repo, 'dist/tls/certificates.js'));
const { parsePolicy } = await import(join(repo, 'dist/engine/policy-file.js'));
const { RULES } = await import(join(repo, 'dist/rules/catalog.js'));
const { reviewAdmission } = await import(join(repo, 'dist/webhook/review.js'));

/** deny, warn and record in the mix, plus global, group, service-account and label exemptions to check on every finding. */
const POLICY = `apiVersion: riskgate.io/v1
kind: Policy
exemptions:
  namespaces: [kube-system]
rules:
  kubernetes-node-port-creation:
    action: deny
    exemptions: {groups: [platform-admins], serviceAccounts: ["ingress-nginx:*"]}
  kubernetes-node-port-update: {action: deny}
  kubernetes-load-balancer-node-ports: {action: warn}
  kubernetes-daemonset-deployed:
    action: warn
    exemptions: {labels: {riskgate.io/approved: platform-team}}
  kubernetes-daemonset-template-update: {action: record}
  kubernetes-shell-exec-into-pod: {action: record}
`;

function makePki(dir) {
  const now = new Date();
  const ca = createCa({ commonName: 'riskgate bench CA', now, days: 1 });
  const serving = createServingCert({ ca, commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], now, days: 1 });
  const files = { ca: join(dir, 'ca.crt'), cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key') };
  writeFileSync(files.ca, ca.cert);
  writeFileSync(files.cert, serving.cert);
  writeFileSync(files.key, serving.key, { mode: 0o600 });
  return { ...files, caPem: ca.cert };
}

// ---- the bodies: every captured AdmissionReview, compact as the API server sends it, each request with its own uid ----

const UID_MARK = '@@riskgate-bench-uid@@';
const DENIED = Buffer.from('"allowed":false');
const ALLOWED = Buffer.from('"allowed":true');
let uidCounter = 0;
const nextUid = () => `00000000-0000-4000-8000-${String(uidCounter++).padStart(12, '0')}`;

function loadTemplates(policy) {
  const dir = join(repo, 'test/fixtures/kube-apiserver-v1.32/admissionreview');
  return readdirSync(dir).filter((f) => f.endsWith('.request.json')).sort().map((file) => {
    const review = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    // What riskgate must answer and record, from the same engine in this process.
    const expected = reviewAdmission({ body: review, policy, rules: RULES, now: new Date(), scope: 'all' });
    review.request.uid = UID_MARK;
    const [before, after] = JSON.stringify(review).split(UID_MARK).map((s) => Buffer.from(s));
    return { file, before, after, denied: !expected.response.response.allowed, events: expected.riskEvents.length, sent: 0 };
  });
}

function requestHead(path, port, length) {
  return Buffer.from(
    `POST ${path}?timeout=10s HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: kube-apiserver-admission\r\n` +
      `Accept: application/json, */*\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`,
  );
}

/** Round-robin over the templates; the webhook's answers are checked for status, uid and verdict, the bare one's for status. */
function reviewSource(templates, target) {
  let i = 0;
  return () => {
    const template = templates[i++ % templates.length];
    const uid = Buffer.from(nextUid());
    const head = requestHead(target.path, target.port, template.before.length + uid.length + template.after.length);
    if (target.name === 'webhook') template.sent++;
    const check = target.name === 'webhook'
      ? ({ status, body }) => {
          if (status !== 200) return `HTTP ${status} for ${template.file}: ${body.toString().slice(0, 200)}`;
          if (!body.includes(uid)) return `uid not echoed for ${template.file}`;
          if (body.includes(DENIED) !== template.denied) return `expected ${template.denied ? 'a deny' : 'an allow'} for ${template.file}: ${body.toString().slice(0, 200)}`;
          return undefined;
        }
      : ({ status, body }) => (status === 200 && body.includes(ALLOWED) ? undefined : `bare server answered HTTP ${status}`);
    return { request: Buffer.concat([head, template.before, uid, template.after]), check };
  };
}

// ---- the two server processes ----

function exited(child) {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code, signal) => resolve(code ?? signal))));
}

/** A port free right now (the kernel's pick), for `serve --port`: its listening log line sits in stdout's 4 KiB buffer. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.once('error', reject);
  });
}

function ready(port, ca) {
  return new Promise((resolve) => {
    const req = httpsGet({ host: '127.0.0.1', port, path: '/readyz', ca, servername: 'localhost', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once('error', () => resolve(false));
  });
}

async function startWebhook(dir, pki, logFile) {
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, POLICY);
  const port = await freePort();
  const out = openSync(logFile, 'w');
  const args = [
    ...SERVE_NODE_FLAGS,
    ...(flags['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', flags['cpu-prof']] : []),
    join(repo, 'dist/cli/main.js'), 'serve', '--host', '127.0.0.1', '--port', String(port), '--tls-cert', pki.cert, '--tls-key', pki.key,
    '--policy', policyFile, '--data-dir', join(dir, 'data'), '--metrics-port', '0', '--log-level', 'info', '--drain-timeout', '5',
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', out, 'pipe'], cwd: dir });
  closeSync(out);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && child.exitCode === null) {
    if (await ready(port, pki.caPem)) return { name: 'webhook', child, port, path: flags.path, logFile };
    await sleep(100);
  }
  child.kill();
  throw new Error(`riskgate serve did not become ready on port ${port}:\n${stderr}${readFileSync(logFile, 'utf8').slice(-2000)}`);
}

function startBare(pki) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repo, 'bench/webhook-bare-server.mjs'), pki.cert, pki.key], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.once('data', (d) => resolve({ name: 'bare', child, port: Number(String(d).trim()), path: flags.path }));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
}

/** utime + stime of the whole process (all threads), in ms. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // CLK_TCK is 100 on Linux
}

function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, hwm: kib('VmHWM') / 1024 };
}

// ---- one measurement ----

async function measure(target, connections, shape) {
  const next = reviewSource(target.templates, target);
  const serverBefore = cpuMs(target.child.pid);
  const clientBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const result = shape === 'throughput'
    ? await closedLoop(connections, next, { warmupMs: SETTLE_MS, measureMs })
    : await openLoop(connections, next, { rate, warmupMs: SETTLE_MS, measureMs });
  const wall = performance.now() - wallBefore;
  const client = process.cpuUsage(clientBefore);
  const sorted = Float64Array.from(result.latencies).sort();
  return {
    ...result,
    reviewsPerSecond: result.latencies.length / result.seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    serverCpu: (cpuMs(target.child.pid) - serverBefore) / wall,
    clientCpu: (client.user + client.system) / 1000 / wall,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// ---- the run ----

const dir = mkdtempSync(join(tmpdir(), 'riskgate-webhook-bench-'));
const logFile = flags['log-file'] ?? join(dir, 'serve.log');
const pki = makePki(dir);
const templates = loadTemplates(parsePolicy(POLICY, 'bench-policy.yaml', RULES));
let webhook;
let bare;
let failed = false;
try {
  webhook = await startWebhook(dir, pki, logFile);
  bare = await startBare(pki);
  for (const target of [webhook, bare]) {
    target.templates = templates;
    target.connections = await Promise.all(
      Array.from({ length: connectionCount }, () => ReviewConnection.open({ host: '127.0.0.1', port: target.port, ca: pki.caPem, servername: 'localhost' })),
    );
    target.results = { throughput: [], latency: [] };
  }
  for (const target of [bare, webhook]) {
    if (warmupMs === 0) break;
    const warm = await closedLoop(target.connections, reviewSource(templates, target), { warmupMs: 0, measureMs: warmupMs });
    if (warm.bad > 0) throw new Error(`${target.name}: ${warm.bad} wrong answers while warming up, first: ${warm.firstBad}`);
  }
  for (let round = 0; round < rounds; round++) {
    // Alternate which server goes first, so a load change on the shared machine does not always favour the same one.
    const order = round % 2 === 0 ? [bare, webhook] : [webhook, bare];
    for (const shape of ['throughput', 'latency']) {
      for (const target of order) target.results[shape].push(await measure(target, target.connections, shape));
    }
  }
  for (const target of [webhook, bare]) {
    target.cipher = target.connections[0].cipher;
    for (const c of target.connections) c.close();
    target.memory = memory(target.child.pid);
  }
} catch (error) {
  failed = true;
  console.error(`bench failed: ${error.stack ?? error}`);
} finally {
  for (const target of [webhook, bare]) target?.child.kill('SIGTERM');
  await Promise.all([webhook, bare].filter(Boolean).map((t) => exited(t.child)));
}

if (!failed) {
  const load = loadavg();
  const fmt = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
  const all = (target, shape, key) => target.results[shape].map((r) => r[key]);
  const med = (target, shape, key) => median(all(target, shape, key));
  console.log(`riskgate webhook vs bare node:https, keep-alive TLS (${webhook.cipher}), POST ${flags.path}, ${templates.length} captured bodies round-robin`);
  console.log(`  ${availableParallelism()} CPUs, load average ${load.map((l) => l.toFixed(2)).join(' ')}; ${rounds} round(s), medians; ${fmt(warmupMs / 1000, 1)} s JIT warm-up per server, then ${fmt(measureMs / 1000, 1)} s measured per figure`);
  console.log(`  max throughput, ${connectionCount} connections:`);
  for (const t of [bare, webhook]) {
    console.log(
      `    ${t.name.padEnd(8)} ${fmt(med(t, 'throughput', 'reviewsPerSecond'), 0).padStart(7)} reviews/s  p50 ${fmt(med(t, 'throughput', 'p50'))} ms  p99 ${fmt(med(t, 'throughput', 'p99'))} ms` +
        `  server CPU ${fmt(med(t, 'throughput', 'serverCpu') * 100, 0)}%, ${fmt((med(t, 'throughput', 'serverCpu') * 1e6) / med(t, 'throughput', 'reviewsPerSecond'), 0)} µs/review  client CPU ${fmt(med(t, 'throughput', 'clientCpu') * 100, 0)}%`,
    );
  }
  const ratios = webhook.results.throughput.map((r, i) => r.reviewsPerSecond / bare.results.throughput[i].reviewsPerSecond);
  const ratio = median(ratios);
  console.log(`  ratio webhook/bare: ${fmt(ratio)} (target >= 0.85)${rounds > 1 ? ` [rounds: ${ratios.map((r) => fmt(r)).join(' ')}]` : ''} ${ratio >= 0.85 ? 'MET' : 'MISSED'}`);
  const clientBound = bare.results.throughput.some((r) => r.clientCpu > 0.9);
  if (clientBound) console.log('    (the client used > 90% of a core against the bare server: the bare figure is capped by the client, the ratio flatters the webhook)');
  console.log(`  open loop at ${rate} reviews/s, latency from due time (up to ${connectionCount} connections):`);
  for (const t of [bare, webhook]) {
    const late = all(t, 'latency', 'late').reduce((a, b) => a + b, 0);
    const sent = all(t, 'latency', 'sent').reduce((a, b) => a + b, 0);
    console.log(
      `    ${t.name.padEnd(8)} ${fmt(med(t, 'latency', 'reviewsPerSecond'), 0).padStart(7)} reviews/s  p50 ${fmt(med(t, 'latency', 'p50'))} ms  p99 ${fmt(med(t, 'latency', 'p99'))} ms  max ${fmt(med(t, 'latency', 'max'))} ms` +
        `  server CPU ${fmt(med(t, 'latency', 'serverCpu') * 100, 0)}%  (client timer > 1 ms late for ${fmt((100 * late) / sent, 1)}% of sends)`,
    );
  }
  const p99 = med(webhook, 'latency', 'p99');
  console.log(`  webhook p99 at ${rate}/s: ${fmt(p99)} ms (target <= 5 ms) ${p99 <= 5 ? 'MET' : 'MISSED'}`);
  for (const t of [bare, webhook]) console.log(`  ${t.name.padEnd(8)} RSS ${fmt(t.memory.rss, 1)} MiB now, peak (VmHWM) ${fmt(t.memory.hwm, 1)} MiB`);
  console.log(`  webhook peak RSS ${fmt(webhook.memory.hwm, 1)} MiB (target <= 100 MiB) ${webhook.memory.hwm <= 100 ? 'MET' : 'MISSED'}`);

  // Honesty checks: every answer was right, and every risk event the engine implies reached riskgate's stdout.
  for (const t of [bare, webhook]) {
    const results = [...t.results.throughput, ...t.results.latency];
    const bad = results.reduce((a, r) => a + r.bad, 0);
    if (bad > 0) {
      failed = true;
      console.error(`  ${t.name}: ${bad} wrong answers, first: ${results.find((r) => r.firstBad)?.firstBad}`);
    }
  }
  const expectedEvents = templates.reduce((a, t) => a + t.sent * t.events, 0);
  const logged = readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes('"msg":"riskgate.risk_event"')).length;
  const reviews = templates.reduce((a, t) => a + t.sent, 0);
  console.log(`  checked: ${reviews} webhook answers (status, uid, verdict); ${logged} risk-event lines on its stdout, ${expectedEvents} expected`);
  if (logged !== expectedEvents) failed = true;
}
rmSync(dir, { recursive: true, force: true });
if (flags['log-file']) console.log(`  webhook log kept in ${logFile}`);
process.exit(failed ? 1 : 0);
