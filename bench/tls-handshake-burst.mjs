// Bench: the burst of new TLS connections the API server opens after a restart or a scale-up, against `riskgate serve`
// with an ECDSA P-256 and an RSA 2048 serving certificate (both made by riskgate, each server its own process), in one run.
// Each round opens --connections connections at once (full handshakes: no session reuse), sends one review on each
// and closes them; reported per key type: wall time until every review of the burst was answered, handshake times
// (p50/p99/max, from connect to secure), and the server's CPU per new connection from /proc (handshake and review).
// Usage: npm run -s build && node bench/tls-handshake-burst.mjs [--connections 200] [--rounds 5] [--tls 1.3|1.2]
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { connect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile } from './keep-alive-review-client.mjs';
import { SERVE_NODE_FLAGS } from './serve-node-flags.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    connections: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '5' },
    tls: { type: 'string', default: '1.3' },
  },
});
const count = Number(flags.connections);
const rounds = Number(flags.rounds);
const tlsVersion = flags.tls === '1.2' ? 'TLSv1.2' : 'TLSv1.3';
const { createCa, createServingCert } = await import(join(repo, 'dist/tls/certificates.js'));

const body = Buffer.from(JSON.stringify(JSON.parse(readFileSync(join(repo, 'test/fixtures/kube-apiserver-v1.32/admissionreview/002-Service-CREATE-cip-svc.request.json'), 'utf8'))));
const request = Buffer.concat([
  Buffer.from(`POST /validate?timeout=10s HTTP/1.1\r\nHost: riskgate\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`),
  body,
]);

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

async function startServe(keyType, dir) {
  const home = join(dir, keyType);
  mkdirSync(home);
  const now = new Date();
  const ca = createCa({ commonName: `burst ${keyType} CA`, now, days: 1, keyType });
  const serving = createServingCert({ ca, commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], now, days: 1, keyType });
  writeFileSync(join(home, 'tls.crt'), serving.cert);
  writeFileSync(join(home, 'tls.key'), serving.key, { mode: 0o600 });
  const port = await freePort();
  const out = openSync(join(home, 'serve.log'), 'w');
  const child = spawn(process.execPath, [
    ...SERVE_NODE_FLAGS, join(repo, 'dist/cli/main.js'), 'serve', '--host', '127.0.0.1', '--port', String(port),
    '--tls-cert', join(home, 'tls.crt'), '--tls-key', join(home, 'tls.key'), '--data-dir', join(home, 'data'), '--log-level', 'warn',
  ], { stdio: ['ignore', out, out], cwd: home });
  closeSync(out);
  for (let i = 0; i < 300 && child.exitCode === null; i++) {
    if (await ready(port, ca.cert)) return { keyType, child, port, ca: ca.cert, results: [] };
    await sleep(100);
  }
  child.kill();
  throw new Error(`serve with an ${keyType} certificate did not start:\n${readFileSync(join(home, 'serve.log'), 'utf8')}`);
}

function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** One new connection: handshake (connect → secure), one review, the answer's status. */
function oneConnection(target) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let secureAt = 0;
    let answer = '';
    const socket = connect({ host: '127.0.0.1', port: target.port, ca: target.ca, servername: 'localhost', minVersion: tlsVersion, maxVersion: tlsVersion }, () => {
      secureAt = performance.now();
      socket.write(request);
    });
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('end', () => {
      socket.destroy();
      if (!answer.startsWith('HTTP/1.1 200 ')) return reject(new Error(`answer: ${answer.slice(0, 80)}`));
      resolve({ handshakeMs: secureAt - start, doneMs: performance.now() - start });
    });
    socket.on('error', reject);
  });
}

async function burst(target) {
  const before = cpuMs(target.child.pid);
  const started = performance.now();
  const connections = await Promise.all(Array.from({ length: count }, () => oneConnection(target)));
  const wall = performance.now() - started;
  await sleep(200); // the server's share of the closes
  const handshakes = Float64Array.from(connections.map((c) => c.handshakeMs)).sort();
  target.results.push({ wall, cpuPerConnection: ((cpuMs(target.child.pid) - before) * 1000) / count, p50: percentile(handshakes, 50), p99: percentile(handshakes, 99), max: handshakes[handshakes.length - 1] });
}

const dir = mkdtempSync(join(tmpdir(), 'riskgate-handshake-burst-'));
const loadAtStart = loadavg().map((l) => l.toFixed(2)).join(' ');
const targets = [];
try {
  for (const keyType of ['ecdsa', 'rsa']) targets.push(await startServe(keyType, dir));
  for (const target of targets) await burst(target); // warm-up, not counted
  for (const target of targets) target.results.length = 0;
  for (let round = 0; round < rounds; round++) {
    for (const target of round % 2 === 0 ? targets : [...targets].reverse()) await burst(target);
  }
} finally {
  for (const target of targets) target.child.kill('SIGTERM');
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n, d = 1) => n.toFixed(d);
console.log(`TLS handshake burst: ${count} new connections at once (${tlsVersion}, no session reuse), one review each, riskgate serve; ${rounds} rounds, medians`);
console.log(`  ${availableParallelism()} CPUs; load average at start ${loadAtStart}, at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const t of targets) {
  const m = (key) => median(t.results.map((r) => r[key]));
  console.log(`  ${t.keyType.padEnd(6)} burst answered in ${fmt(m('wall'), 0)} ms; handshake p50 ${fmt(m('p50'))} ms, p99 ${fmt(m('p99'))} ms, max ${fmt(m('max'))} ms; server CPU ${fmt(m('cpuPerConnection') / 1000, 2)} ms per connection`);
}
const [ecdsa, rsa] = targets;
const ratio = median(rsa.results.map((r) => r.wall)) / median(ecdsa.results.map((r) => r.wall));
console.log(`  RSA/ECDSA: burst wall time ${fmt(ratio, 2)}x, server CPU per connection ${fmt(median(rsa.results.map((r) => r.cpuPerConnection)) / median(ecdsa.results.map((r) => r.cpuPerConnection)), 2)}x`);
rmSync(dir, { recursive: true, force: true });
