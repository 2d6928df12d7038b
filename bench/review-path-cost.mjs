// Bench: the CPU one review costs riskgate's request listener with TLS, sockets and the kernel taken out, for comparing
// builds side by side in one process (each lever of a change measured on its own). Each build gets serve's wiring
// (createApp with the log sink on a sonic-boom to /dev/null, the local event store, the review metrics) and node:http's
// own IncomingMessage and ServerResponse over an in-memory socket; the builds take turns in short batches of the same
// body mix, so a change in the shared machine's load hits them alike; the medians of µs per review are printed.
// In the real server a review starts with caches other work has filled (TLS, the HTTP parser, the kernel, the client on
// the other core), while a tight loop finds its code and data hot: --evict MIB reads through MIB MiB of memory before
// each review and times each review alone (wall time: one thread, no I/O), which brings the gap nearer the one in situ.
// Usage: node bench/review-path-cost.mjs [--seconds 6] [--batch 500] [--mix ordinary|findings] [--evict MIB] NAME=DIST...
//        (DIST: a dist directory, e.g. dist or bench/out/base/dist made with tsc -p tsconfig.build.json --outDir;
//        `floor` for the listener of webhook-floor-server.mjs)
import { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { Duplex } from 'node:stream';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string', default: '6' },
    batch: { type: 'string', default: '500' },
    mix: { type: 'string', default: 'ordinary' },
    evict: { type: 'string', default: '0' },
  },
});
const evictMib = Number(flags.evict);
if (!Number.isFinite(evictMib) || evictMib < 0) {
  console.error(`--evict ${flags.evict}: expected a size in MiB (0 for none)`);
  process.exit(2);
}
const builds = (positionals.length > 0 ? positionals : ['dist=dist']).map((text) => {
  const [name, dist] = text.split('=');
  if (!name || !dist) throw new Error(`${text}: expected NAME=DIST`);
  return { name, dist: isAbsolute(dist) ? dist : join(repo, dist) };
});

const POLICY = `rules:
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
exemptions:
  namespaces: [kube-system]
`;
/** As in webhook-throughput.mjs: ClusterIP creates, a dry run, DaemonSet label updates; 1 review in 10 makes a finding. */
const ORDINARY = { '002': 14, '005': 1, '008': 3, '006': 1, '011': 1 };

const captures = join(repo, 'test/fixtures/kube-apiserver-v1.32/admissionreview');
const bodies = readdirSync(captures).filter((f) => f.endsWith('.request.json')).sort()
  .map((f) => ({ id: f.slice(0, 3), text: JSON.stringify(JSON.parse(readFileSync(join(captures, f), 'utf8'))) }));
const mix = flags.mix === 'findings' ? bodies : Object.entries(ORDINARY).flatMap(([id, n]) => Array(n).fill(bodies.find((b) => b.id === id)));
let uid = 0;

/** A socket that takes every write and drops it, so ServerResponse runs its whole path (headers, body, finish). */
function nullSocket() {
  const socket = new Duplex({ read() {}, write: (_c, _e, done) => done(), writev: (_c, done) => done() });
  socket.setNoDelay = () => socket;
  socket.setTimeout = () => socket;
  return socket;
}

/** The floor of webhook-floor-server.mjs as a listener: collect, JSON.parse, one NodePort check, answer with the uid. */
function floorListener(req, res) {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const r = review.request;
    const allowed = !(r.operation === 'CREATE' && r.kind?.kind === 'Service' && r.object?.spec?.type === 'NodePort');
    const text = JSON.stringify({ apiVersion: review.apiVersion, kind: 'AdmissionReview', response: { uid: r.uid, allowed } });
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  });
}

async function wire(build) {
  if (build.dist.endsWith('/floor')) return { ...build, app: floorListener, samples: [], reviews: 0, close: async () => {} };
  const load = (path) => import(join(build.dist, path));
  const { createApp } = await load('webhook/app.js');
  const { parsePolicy } = await load('engine/policy-file.js');
  const { RULES } = await load('rules/catalog.js');
  const { LogSink } = await load('outputs/log-sink.js');
  const { SpoolSink } = await load('sinks/spool-sink.js');
  const { riskgateMetrics } = await load('metrics/riskgate-metrics.js');
  const { createLogger } = await load('logger.js');
  const pino = createRequire(join(build.dist, 'logger.js'))('pino');
  const destination = pino.destination({ dest: openSync('/dev/null', 'w'), sync: false, minLength: 4096 });
  const logger = createLogger({ level: 'info', destination });
  const metrics = riskgateMetrics({ processMetrics: false });
  const policy = parsePolicy(POLICY, 'policy.yaml', RULES);
  const dataDir = mkdtempSync(join(tmpdir(), 'riskgate-path-cost-'));
  const silent = { error() {}, warn() {}, info() {} };
  const spool = new SpoolSink({ dataDir, maxBytes: 256 << 20, archiveMaxBytes: 64 << 20, fsyncIntervalMs: 200, sinkName: 'store', log: silent, observer: metrics.sinks.observer });
  const { app } = createApp({ rules: RULES, policy: () => policy, sinks: [new LogSink(destination), spool], observers: [metrics.reviews], logger });
  const close = async () => {
    await spool.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { ...build, app, close, samples: [], reviews: 0 };
}

/** One review through the listener; resolves when the answer is finished, with its status. */
function review(app, text) {
  const body = Buffer.from(text.replace(/"uid":"[^"]*"/, `"uid":"bench-${uid++}"`));
  const socket = nullSocket();
  const req = new IncomingMessage(socket);
  req.method = 'POST';
  req.url = '/validate?timeout=10s';
  req.headers = { host: 'riskgate', 'content-type': 'application/json', 'content-length': String(body.length), accept: 'application/json, */*' };
  req.rawHeaders = Object.entries(req.headers).flat();
  const res = new ServerResponse(req);
  res.assignSocket(socket);
  return new Promise((resolve) => {
    res.on('finish', () => {
      res.detachSocket(socket);
      resolve(res.statusCode);
    });
    app(req, res);
    req.push(body);
    req.complete = true; // as node's HTTP parser marks a request read to its end
    req.push(null);
  });
}

/** --evict: one load per 64-byte cache line of this many bytes, enough to push the last review out of the caches. */
const evictee = new Float64Array((evictMib * 1024 * 1024) / 8);
let evictSum = 0;
function evictCaches() {
  for (let i = 0; i < evictee.length; i += 8) evictSum += evictee[i];
}

/** CPU per review of a batch; with --evict, the wall time of each review alone (the eviction before it left out). */
async function batch(build, size) {
  const before = process.cpuUsage();
  let evictedNs = 0n;
  for (let i = 0; i < size; i++) {
    const start = evictee.length > 0 ? (evictCaches(), process.hrtime.bigint()) : 0n;
    const status = await review(build.app, mix[(build.reviews + i) % mix.length].text);
    if (status !== 200) throw new Error(`${build.name}: HTTP ${status}`);
    if (evictee.length > 0) evictedNs += process.hrtime.bigint() - start;
  }
  const used = process.cpuUsage(before);
  build.reviews += size;
  build.samples.push(evictee.length > 0 ? Number(evictedNs) / 1000 / size : (used.user + used.system) / size);
}

const wired = [];
for (const build of builds) wired.push(await wire(build));
const size = Number(flags.batch);
for (const build of wired) for (let i = 0; i < 10; i++) await batch(build, size); // JIT warm-up
for (const build of wired) build.samples.length = 0;
const until = performance.now() + Number(flags.seconds) * 1000;
for (let turn = 0; performance.now() < until; turn++) {
  for (let i = 0; i < wired.length; i++) await batch(wired[(turn + i) % wired.length], size);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`review path CPU, ${flags.mix} mix, batches of ${size}${evictee.length > 0 ? `, ${evictMib} MiB read before each review, each review timed alone` : ''}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const first = median(wired[0].samples);
for (const build of wired) {
  const m = median(build.samples);
  console.log(`  ${build.name.padEnd(12)} ${m.toFixed(1).padStart(6)} µs/review (median of ${build.samples.length} batches; quartiles ${median(build.samples.filter((s) => s <= m)).toFixed(1)}–${median(build.samples.filter((s) => s >= m)).toFixed(1)})  x ${wired[0].name}: ${(m / first).toFixed(3)}`);
}
for (const build of wired) await build.close();
process.exit(0);
