// Bench: `riskgate check DIR` over 10,000 generated manifests (wall time including process start-up, manifests/s),
// against a bare process that only reads and YAML-parses the same files, measured in the same run.
// Usage: npm run build && node bench/check-throughput.mjs [count] [runs]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(repo, 'dist', 'cli', 'main.js');
const count = Number(process.argv[2] ?? 10_000);
const runs = Number(process.argv[3] ?? 5);

function service(i) {
  const type = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ClusterIP'][i % 4];
  return `apiVersion: v1
kind: Service
metadata:
  name: svc-${i}
  namespace: team-${i % 17}
  labels:
    app.kubernetes.io/name: app-${i}
    app.kubernetes.io/part-of: shop
spec:
  type: ${type}
  selector:
    app.kubernetes.io/name: app-${i}
  ports:
    - name: http
      port: 80
      targetPort: 8080
      protocol: TCP
`;
}

function daemonSet(i) {
  return `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent-${i}
  namespace: ops
spec:
  selector:
    matchLabels: {app: agent-${i}}
  template:
    metadata:
      labels: {app: agent-${i}}
    spec:
      containers:
        - name: agent
          image: registry.example.com/agent:${i % 9}.0.0
          resources:
            limits: {cpu: 100m, memory: 128Mi}
`;
}

function deployment(i) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-${i}
  namespace: team-${i % 17}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web-${i}}
  template:
    metadata:
      labels: {app: web-${i}}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:${i % 5}.1.0
          ports: [{containerPort: 8080}]
`;
}

const dir = mkdtempSync(join(tmpdir(), 'riskgate-bench-check-'));
const manifests = join(dir, 'manifests');
mkdirSync(manifests);
for (let i = 0; i < count; i++) {
  const text = i % 10 === 0 ? daemonSet(i) : i % 3 === 0 ? deployment(i) : service(i);
  writeFileSync(join(manifests, `m-${String(i).padStart(5, '0')}.yaml`), text);
}

// The baseline: what any tool must do at least, in a process of its own: list, read and YAML-parse every file.
const bareLoop = `
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
const dir = process.argv[1];
let docs = 0;
for (const name of readdirSync(dir).sort()) for (const d of parseAllDocuments(readFileSync(join(dir, name), 'utf8'))) { d.toJS(); docs++; }
if (docs !== ${count}) throw new Error('parsed ' + docs);
`;

function time(args, env = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: repo, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...env } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const load = loadavg()[0];
  const bare = [];
  const auto = [];
  const one = [];
  const two = [];
  let summary = '';
  for (let i = 0; i < runs; i++) {
    bare.push(time(['--input-type=module', '-e', bareLoop, manifests]).ms);
    const run = time([cli, 'check', manifests]);
    auto.push(run.ms);
    summary = run.stdout.trimEnd().split('\n').pop();
    one.push(time([cli, 'check', manifests], { RISKGATE_CHECK_THREADS: '1' }).ms);
    two.push(time([cli, 'check', manifests], { RISKGATE_CHECK_THREADS: '2' }).ms);
  }
  const bareMs = median(bare);
  const line = (label, ms) => `  ${label.padEnd(38)}${ms.toFixed(0).padStart(6)} ms  ${String(Math.round(count / (ms / 1000))).padStart(6)} manifests/s  ratio ${(ms / bareMs).toFixed(2)}`;
  console.log(`riskgate check over ${count} manifests: ${runs} runs each, median wall time including process start-up`);
  console.log(`  ${availableParallelism()} cores, 1-minute load average ${load.toFixed(2)} at start`);
  console.log(`  ${summary}`);
  console.log(line('bare read + YAML parse loop (baseline)', bareMs));
  console.log(line('riskgate check DIR (threads: auto)', median(auto)) + '  target <= 2000 ms');
  console.log(line('riskgate check DIR (1 thread)', median(one)));
  console.log(line('riskgate check DIR (2 threads)', median(two)));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
