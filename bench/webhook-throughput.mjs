// Bench: what riskgate's webhook costs per review next to the least a webhook must do, in one run over keep-alive TLS
// with the captured kube-apiserver bodies. Three kinds of server, each its own process with the same certificate:
//   floor    bench/webhook-floor-server.mjs: node:https that collects the body, JSON.parses it, checks one NodePort
//            condition and answers with the uid (the fair floor: any webhook that reads the review pays this)
//   bare     bench/webhook-bare-server.mjs: node:https answering a fixed AdmissionReview without reading the body
//   riskgate the real `riskgate serve` (policy mixing deny, warn and record, exemptions, the log sink on a file, the
//            local event store, /metrics); --riskgate NAME=DIST[ ARGS] adds builds (e.g. a baseline tsc --outDir) or flags
// Two body mixes: "ordinary" (the proportion a cluster sends: mostly Services with no finding, 1 in 10 with one) and
// "findings" (all 12 captures round-robin, 0.58 risk events per review). For each mix and server: max throughput with
// N connections (closed loop), its server CPU per review from /proc/PID/stat (not only wall throughput: the client
// shares the cores), and the ratios to the floor; then p50/p99 in an open loop at --rate; then RSS.
// Each server first runs --warmup seconds at max throughput (JIT), unmeasured; each figure then gets 0.25 s to settle.
// Usage: npm run -s build && node bench/webhook-throughput.mjs [--seconds 1.5] [--warmup 2] [--connections 8] [--rate 1000]
//        [--rounds 3] [--mix ordinary,findings] [--riskgate NAME=DIST[ ARGS]]... [--no-bare] [--path /validate]
//        (ARGS: serve's, node:FLAG for a node flag, e.g. --riskgate "semi8=dist node:--max-semi-space-size=8", or
//        workers:N[:rr|none] for N node:cluster workers through bench/serve-workers.mjs)
//        [--log-file FILE] [--cpu-prof DIR (a CPU profile of each server: DIR/NAME.cpuprofile)]
import { spawn } from 'node:child_process';
import { get as httpsGet } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { mkdtempSync, mkdirSync, openSync, closeSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
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
    rounds: { type: 'string', default: '3' },
    mix: { type: 'string', default: 'ordinary,findings' },
    riskgate: { type: 'string', multiple: true },
    'no-bare': { type: 'boolean', default: false },
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

/**
 * `NAME=DIST[ ARGS]`: a riskgate build (dist directory, relative to the repository) and extra `serve` arguments; an
 * argument `node:FLAG` is a node flag instead (any replace bench/serve-node-flags.mjs's).
 */
function riskgateSpec(text) {
  const match = /^([\w.-]+)=(\S+)(?:\s+(.*))?$/.exec(text);
  if (!match) throw new Error(`--riskgate ${JSON.stringify(text)}: expected NAME=DIST[ ARGS], e.g. base=bench/out/base/dist`);
  const dist = isAbsolute(match[2]) ? match[2] : join(repo, match[2]);
  const words = match[3] ? match[3].split(/\s+/) : [];
  const nodeFlags = words.filter((w) => w.startsWith('node:')).map((w) => w.slice('node:'.length));
  const workers = /^workers:(\d+)(?::(rr|none))?$/.exec(words.find((w) => w.startsWith('workers:')) ?? '');
  return {
    name: match[1],
    dist,
    args: words.filter((w) => !w.startsWith('node:') && !w.startsWith('workers:')),
    nodeFlags: nodeFlags.length > 0 ? nodeFlags : SERVE_NODE_FLAGS,
    entry: workers ? [join(repo, 'bench/serve-workers.mjs'), dist, workers[1], workers[2] ?? 'rr'] : [join(dist, 'cli/main.js')],
  };
}
const riskgateSpecs = (flags.riskgate ?? ['riskgate=dist']).map(riskgateSpec);
const MIXES = flags.mix.split(',').map((m) => m.trim());
for (const m of MIXES) if (m !== 'ordinary' && m !== 'findings') throw new Error(`--mix ${m}: expected ordinary and/or findings`);

const engineDist = riskgateSpecs[0].dist;
const { createCa, createServingCert } = await import(join(engineDist, 'tls/certificates.js'));
const { parsePolicy } = await import(join(engineDist, 'engine/policy-file.js'));
const { RULES } = await import(join(engineDist, 'rules/catalog.js'));
const { reviewAdmission } = await import(join(engineDist, 'webhook/review.js'));

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

/**
 * The ordinary mix, 20 reviews a cycle: a cluster's Services and DaemonSets mostly change without opening node ports
 * or a new pod template: ClusterIP Service creates (14), a dry run (1), a DaemonSet label update (3); then one
 * LoadBalancer Service that opens node ports (warn) and one shell exec (record): 1 review in 10 makes a finding.
 */
const ORDINARY = { '002': 14, '005': 1, '008': 3, '006': 1, '011': 1 };

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
    const r = review.request;
    const floorDenied = r.operation === 'CREATE' && r.kind.kind === 'Service' && r.object?.spec?.type === 'NodePort';
    review.request.uid = UID_MARK;
    const [before, after] = JSON.stringify(review).split(UID_MARK).map((s) => Buffer.from(s));
    return { file, id: file.slice(0, 3), before, after, denied: !expected.response.response.allowed, events: expected.riskEvents.length, floorDenied };
  });
}

function mixOf(name, templates) {
  if (name === 'findings') return templates;
  const mix = [];
  for (const [id, weight] of Object.entries(ORDINARY)) {
    const template = templates.find((t) => t.id === id);
    if (!template) throw new Error(`capture ${id} is missing from the fixtures`);
    for (let i = 0; i < weight; i++) mix.push(template);
  }
  // Spread the findings out rather than sending them back to back.
  return mix.map((t, i) => ({ t, key: (i * 7) % mix.length })).sort((a, b) => a.key - b.key).map((x) => x.t);
}

function requestHead(path, port, length) {
  return Buffer.from(
    `POST ${path}?timeout=10s HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: kube-apiserver-admission\r\n` +
      `Accept: application/json, */*\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`,
  );
}

/** Each kind of server's answer check: riskgate's verdict and uid, the floor's uid and NodePort verdict, the bare one's status. */
function checkOf(target, template, uid) {
  const text = (body) => body.toString().slice(0, 200);
  if (target.kind === 'riskgate') {
    return ({ status, body }) => {
      if (status !== 200) return `HTTP ${status} for ${template.file}: ${text(body)}`;
      if (!body.includes(uid)) return `uid not echoed for ${template.file}`;
      if (body.includes(DENIED) !== template.denied) return `expected ${template.denied ? 'a deny' : 'an allow'} for ${template.file}: ${text(body)}`;
      return undefined;
    };
  }
  if (target.kind === 'floor') {
    return ({ status, body }) => {
      if (status !== 200 || !body.includes(uid)) return `floor: HTTP ${status} without the uid for ${template.file}`;
      return body.includes(DENIED) === template.floorDenied ? undefined : `floor: wrong verdict for ${template.file}`;
    };
  }
  return ({ status, body }) => (status === 200 && body.includes(ALLOWED) ? undefined : `bare server answered HTTP ${status}`);
}

/** Round-robin over the mix; riskgate's expected risk events are counted as its requests go out. */
function reviewSource(mix, target) {
  let i = 0;
  return () => {
    const template = mix[i++ % mix.length];
    const uid = Buffer.from(nextUid());
    const head = requestHead(flags.path, target.port, template.before.length + uid.length + template.after.length);
    if (target.kind === 'riskgate') target.expectedEvents += template.events;
    return { request: Buffer.concat([head, template.before, uid, template.after]), check: checkOf(target, template, uid) };
  };
}

// ---- the server processes ----

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

/** With --cpu-prof DIR: each server writes DIR/NAME.cpuprofile when it exits. */
function profileFlags(name) {
  return flags['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', flags['cpu-prof'], '--cpu-prof-name', `${name}.cpuprofile`] : [];
}

async function startRiskgate(spec, index, dir, pki) {
  const home = join(dir, spec.name);
  mkdirSync(home);
  const policyFile = join(home, 'policy.yaml');
  writeFileSync(policyFile, POLICY);
  const logFile = index === 0 && flags['log-file'] ? flags['log-file'] : join(home, 'serve.log');
  const port = await freePort();
  const out = openSync(logFile, 'w');
  const args = [
    ...spec.nodeFlags,
    ...profileFlags(spec.name),
    ...spec.entry, 'serve', '--host', '127.0.0.1', '--port', String(port), '--tls-cert', pki.cert, '--tls-key', pki.key,
    '--policy', policyFile, '--data-dir', join(home, 'data'), '--metrics-port', '0', '--log-level', 'info', '--drain-timeout', '5',
    ...spec.args,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', out, 'pipe'], cwd: home });
  closeSync(out);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && child.exitCode === null) {
    if (await ready(port, pki.caPem)) return { name: spec.name, kind: 'riskgate', child, port, logFile, expectedEvents: 0 };
    await sleep(100);
  }
  child.kill();
  throw new Error(`riskgate serve (${spec.name}) did not become ready on port ${port}:\n${stderr}${readFileSync(logFile, 'utf8').slice(-2000)}`);
}

function startScript(kind, script, pki) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...profileFlags(kind), join(repo, 'bench', script), pki.cert, pki.key], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.once('data', (d) => resolve({ name: kind, kind, child, port: Number(String(d).trim()) }));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

/** utime + stime of the process and its threads; plus its reaped children (a node:cluster primary's workers), in ms. */
function cpuMs(pid) {
  let total = 0;
  for (const p of [pid, ...childPids(pid)]) {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // CLK_TCK is 100 on Linux
    } catch {
      // a child that just exited
    }
  }
  return total;
}

function childPids(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Peak and current RSS of the process and its children, in MiB. */
function memory(pid) {
  let rss = 0;
  let hwm = 0;
  for (const p of [pid, ...childPids(pid)]) {
    const status = readFileSync(`/proc/${p}/status`, 'utf8');
    const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    rss += kib('VmRSS') / 1024;
    hwm += kib('VmHWM') / 1024;
  }
  return { rss, hwm };
}

// ---- one measurement ----

async function measure(target, mix, shape) {
  const source = reviewSource(mix, target);
  let requests = 0;
  const next = () => {
    requests++;
    return source();
  };
  const serverBefore = cpuMs(target.child.pid);
  const clientBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const result = shape === 'throughput'
    ? await closedLoop(target.connections, next, { warmupMs: SETTLE_MS, measureMs })
    : await openLoop(target.connections, next, { rate, warmupMs: SETTLE_MS, measureMs });
  const wall = performance.now() - wallBefore;
  const client = process.cpuUsage(clientBefore);
  const serverCpuMs = cpuMs(target.child.pid) - serverBefore;
  const sorted = Float64Array.from(result.latencies).sort();
  return {
    ...result,
    reviewsPerSecond: result.latencies.length / result.seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    serverCpu: serverCpuMs / wall,
    // Every request of the figure (settle included) was answered before it ended: CPU over all of them.
    usPerReview: (serverCpuMs * 1000) / requests,
    clientCpu: (client.user + client.system) / 1000 / wall,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const loadText = () => loadavg().map((l) => l.toFixed(2)).join(' ');

// ---- the run ----

const dir = mkdtempSync(join(tmpdir(), 'riskgate-webhook-bench-'));
const pki = makePki(dir);
const templates = loadTemplates(parsePolicy(POLICY, 'bench-policy.yaml', RULES));
const mixes = Object.fromEntries(MIXES.map((m) => [m, mixOf(m, templates)]));
const loadAtStart = loadText();
const roundLoads = [];
const targets = [];
let failed = false;
try {
  for (const [i, spec] of riskgateSpecs.entries()) targets.push(await startRiskgate(spec, i, dir, pki));
  targets.unshift(await startScript('floor', 'webhook-floor-server.mjs', pki));
  if (!flags['no-bare']) targets.splice(1, 0, await startScript('bare', 'webhook-bare-server.mjs', pki));
  for (const target of targets) {
    target.connections = await Promise.all(
      Array.from({ length: connectionCount }, () => ReviewConnection.open({ host: '127.0.0.1', port: target.port, ca: pki.caPem, servername: 'localhost' })),
    );
    target.results = Object.fromEntries(MIXES.flatMap((m) => [[`throughput:${m}`, []], [`latency:${m}`, []]]));
    if (warmupMs === 0) continue;
    const warm = await closedLoop(target.connections, reviewSource(templates, target), { warmupMs: 0, measureMs: warmupMs });
    if (warm.bad > 0) throw new Error(`${target.name}: ${warm.bad} wrong answers while warming up, first: ${warm.firstBad}`);
  }
  for (let round = 0; round < rounds; round++) {
    // Rotate which server goes first, so a load change on the shared machine does not always favour the same one.
    const order = targets.map((_, i) => targets[(i + round) % targets.length]);
    for (const shape of ['throughput', 'latency']) {
      for (const m of MIXES) {
        for (const target of order) target.results[`${shape}:${m}`].push(await measure(target, mixes[m], shape));
      }
    }
    roundLoads.push(loadText());
  }
  for (const target of targets) {
    target.cipher = target.connections[0].cipher;
    for (const c of target.connections) c.close();
    target.memory = memory(target.child.pid);
  }
} catch (error) {
  failed = true;
  console.error(`bench failed: ${error.stack ?? error}`);
} finally {
  for (const target of targets) target.child.kill('SIGTERM');
  await Promise.all(targets.map((t) => exited(t.child)));
}

function report() {
  const fmt = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
  const floor = targets.find((t) => t.kind === 'floor');
  const riskgates = targets.filter((t) => t.kind === 'riskgate');
  const all = (target, key, field) => target.results[key].map((r) => r[field]);
  const med = (target, key, field) => median(all(target, key, field));
  /** Per round, riskgate's figure over the floor's in the same round; the median of those. */
  const ratios = (target, key, of) => target.results[key].map((r, i) => of(r, floor.results[key][i]));
  console.log(`riskgate serve vs the floor and a bare server, keep-alive TLS (${targets[0].cipher}), POST ${flags.path}, captured kube-apiserver v1.32 bodies`);
  console.log(`  ${availableParallelism()} CPUs; load average (1, 5, 15 min) at start ${loadAtStart}, after each round ${roundLoads.join(' | ')}`);
  console.log(`  ${rounds} round(s), medians; ${fmt(warmupMs / 1000, 1)} s JIT warm-up per server, then ${fmt(measureMs / 1000, 1)} s measured per figure; ${connectionCount} connections`);
  for (const m of MIXES) {
    const key = `throughput:${m}`;
    const events = mixes[m].reduce((a, t) => a + t.events, 0) / mixes[m].length;
    console.log(`  mix ${m} (${mixes[m].length} bodies a cycle, ${fmt(events)} risk events per review), max throughput:`);
    for (const t of targets) {
      const thr = t === floor ? '' : `  x floor: throughput ${fmt(median(ratios(t, key, (r, f) => r.reviewsPerSecond / f.reviewsPerSecond)))}, CPU ${fmt(median(ratios(t, key, (r, f) => f.usPerReview / r.usPerReview)))}`;
      console.log(
        `    ${t.name.padEnd(10)} ${fmt(med(t, key, 'reviewsPerSecond'), 0).padStart(6)} reviews/s  ${fmt(med(t, key, 'usPerReview'), 0).padStart(4)} µs/review (server CPU ${fmt(med(t, key, 'serverCpu') * 100, 0)}%, client ${fmt(med(t, key, 'clientCpu') * 100, 0)}%)  p99 ${fmt(med(t, key, 'p99'))} ms${thr}`,
      );
    }
    for (const t of riskgates) {
      const rounds = ratios(t, key, (r, f) => r.reviewsPerSecond / f.reviewsPerSecond);
      const ratio = median(rounds);
      const verdict = m === 'ordinary' ? (ratio >= 0.6 ? ' MET' : ' MISSED') : '';
      console.log(`    ${t.name} / floor throughput by round: ${rounds.map((r) => fmt(r)).join(' ')}${m === 'ordinary' ? ' (target >= 0.6)' : ''}${verdict}`);
    }
  }
  for (const m of MIXES) {
    const key = `latency:${m}`;
    console.log(`  mix ${m}, open loop at ${rate} reviews/s, latency from due time:`);
    for (const t of targets) {
      const late = all(t, key, 'late').reduce((a, b) => a + b, 0);
      const sent = all(t, key, 'sent').reduce((a, b) => a + b, 0);
      const p99 = med(t, key, 'p99');
      const verdict = t.kind === 'riskgate' ? ` (target <= 5 ms) ${p99 <= 5 ? 'MET' : 'MISSED'}` : '';
      console.log(
        `    ${t.name.padEnd(10)} p50 ${fmt(med(t, key, 'p50'))} ms  p99 ${fmt(p99)} ms  max ${fmt(med(t, key, 'max'))} ms  server CPU ${fmt(med(t, key, 'serverCpu') * 100, 0)}%` +
          `  ${fmt(med(t, key, 'usPerReview'), 0)} µs/review  (client timer > 1 ms late for ${fmt((100 * late) / sent, 1)}% of sends)${verdict}`,
      );
    }
  }
  for (const t of targets) {
    const verdict = t.kind === 'riskgate' ? ` (target <= 100 MiB) ${t.memory.hwm <= 100 ? 'MET' : 'MISSED'}` : '';
    console.log(`  ${t.name.padEnd(10)} RSS ${fmt(t.memory.rss, 1)} MiB now, peak (VmHWM) ${fmt(t.memory.hwm, 1)} MiB${verdict}`);
  }
  console.log(`  load average at the end ${loadText()}`);
}

/** Honesty checks: every answer was right, and every risk event the engine implies reached riskgate's stdout. */
function check() {
  for (const t of targets) {
    const results = Object.values(t.results).flat();
    const bad = results.reduce((a, r) => a + r.bad, 0);
    if (bad > 0) {
      failed = true;
      console.error(`  ${t.name}: ${bad} wrong answers, first: ${results.find((r) => r.firstBad)?.firstBad}`);
    }
    if (t.kind !== 'riskgate') continue;
    const logged = readFileSync(t.logFile, 'utf8').split('\n').filter((l) => l.includes('"msg":"riskgate.risk_event"')).length;
    console.log(`  checked ${t.name}: every answer (status, uid, verdict); ${logged} risk-event lines on its stdout, ${t.expectedEvents} expected`);
    if (logged !== t.expectedEvents) failed = true;
  }
}

if (!failed) {
  report();
  check();
}
rmSync(dir, { recursive: true, force: true });
if (flags['log-file']) console.log(`  ${riskgateSpecs[0].name} log kept in ${flags['log-file']}`);
process.exit(failed ? 1 : 0);
