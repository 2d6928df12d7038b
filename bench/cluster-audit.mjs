// Bench: `riskgate audit` over 10,000 Services and 1,000 DaemonSets in a real kube-apiserver, next to
// `kubectl get services,daemonsets -A -o json > /dev/null` in the same run: wall time and peak RSS of each (median of
// the runs, alternated), and their ratio (target: riskgate audit at most 2x kubectl's time).
// Usage: npm run -s build && node bench/cluster-audit.mjs [--services 10000] [--daemonsets 1000] [--runs 3] [--output text]
// Needs the envtest binaries: export KUBEBUILDER_ASSETS=$(bash tools/install-kube-assets.sh)
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    services: { type: 'string', default: '10000' },
    daemonsets: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '3' },
    output: { type: 'string', default: 'text' },
    concurrency: { type: 'string', default: '16' },
  },
});
const SERVICES = Number(flags.services);
const DAEMONSETS = Number(flags.daemonsets);
const RUNS = Number(flags.runs);
const NAMESPACES = 20;

// The e2e harness (TypeScript) compiled once into bench/out, so the bench starts the control plane exactly as the suite does.
execFileSync(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(repo, 'tsconfig.e2e-harness.json')], { stdio: 'inherit' });
const harness = join(repo, 'bench', 'out', 'e2e-harness', 'test', 'e2e', 'harness');
const { startControlPlane } = await import(join(harness, 'control-plane.js'));
const { createNamespaces } = await import(join(harness, 'cluster-under-test.js'));

/** 1 in 10 Services NodePort, 1 in 20 a LoadBalancer without node ports (the node port range holds 2,768), the rest ClusterIP. */
function serviceBody(i) {
  const type = i % 10 === 0 ? 'NodePort' : i % 20 === 5 ? 'LoadBalancer' : 'ClusterIP';
  const spec = { type, ports: [{ port: 80, targetPort: 8080 }], ...(type === 'LoadBalancer' ? { allocateLoadBalancerNodePorts: false } : {}) };
  return [`/api/v1/namespaces/ns-${i % NAMESPACES}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${i}`, labels: { app: `svc-${i}`, tier: 'bench' } }, spec }];
}

function daemonSetBody(i) {
  const labels = { app: `ds-${i}` };
  const template = { metadata: { labels }, spec: { containers: [{ name: 'agent', image: 'busybox:1.36', args: ['sleep', 'infinity'] }] } };
  return [`/apis/apps/v1/namespaces/ns-${i % NAMESPACES}/daemonsets`, { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: `ds-${i}` }, spec: { selector: { matchLabels: labels }, template } }];
}

function post(plane, agent, path, object) {
  return new Promise((resolve, reject) => {
    const req = request(`${plane.url}${path}`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(JSON.stringify(object));
  });
}

/** Concurrent raw POSTs over one keep-alive agent with the admin certificate. */
async function create(plane, bodies) {
  const agent = new Agent({ keepAlive: true, maxSockets: Number(flags.concurrency), ca: readFileSync(plane.ca.cert), cert: readFileSync(join(plane.dir, 'admin.crt')), key: readFileSync(join(plane.dir, 'admin.key')) });
  const statuses = {};
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const [path, object] = bodies[next++];
      const status = await post(plane, agent, path, object);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Number(flags.concurrency) }, worker));
  agent.destroy();
  return statuses;
}

/** Wall time and peak RSS (GNU time's %M, KiB) of one command, its stdout to /dev/null. */
function measure(command, args, env = process.env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '%M', command, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const kib = Number(stderr.trim().split('\n').at(-1));
      // riskgate audit exits 1 when a rule would deny: that is a finding, not a failure.
      if (code !== 0 && code !== 1) reject(new Error(`${command} exited ${code}: ${stderr}`));
      else resolve({ seconds, mib: kib / 1024 });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const plane = await startControlPlane();
try {
  await createNamespaces(plane, Array.from({ length: NAMESPACES }, (_, i) => `ns-${i}`));
  const startedCreate = Date.now();
  const created = await create(plane, [...Array.from({ length: SERVICES }, (_, i) => serviceBody(i)), ...Array.from({ length: DAEMONSETS }, (_, i) => daemonSetBody(i))]);
  console.log(`created ${SERVICES} Services and ${DAEMONSETS} DaemonSets in ${NAMESPACES} namespaces in ${((Date.now() - startedCreate) / 1000).toFixed(1)} s: ${JSON.stringify(created)}`);
  const policy = join(plane.dir, 'bench-policy.yaml');
  execFileSync('sh', ['-c', `printf 'rules:\\n  kubernetes-node-port-creation: {action: deny}\\n  kubernetes-daemonset-deployed: {action: warn}\\n' > ${policy}`]);
  const kubectl = [plane.assets.kubectl, ['--kubeconfig', plane.kubeconfig, 'get', 'services,daemonsets', '-A', '-o', 'json']];
  const audit = [process.execPath, [join(repo, 'dist', 'cli', 'main.js'), 'audit', '--kubeconfig', plane.kubeconfig, '--policy', policy, '--output', flags.output]];
  // One warm-up of each (API server caches, page cache), then the measured runs, alternated.
  await measure(...kubectl);
  await measure(...audit);
  const results = { kubectl: [], audit: [] };
  for (let run = 0; run < RUNS; run++) {
    results.kubectl.push(await measure(...kubectl));
    results.audit.push(await measure(...audit));
  }
  const summary = (name, rows) => ({ name, seconds: median(rows.map((r) => r.seconds)), mib: median(rows.map((r) => r.mib)) });
  const k = summary('kubectl get services,daemonsets -A -o json > /dev/null', results.kubectl);
  const a = summary(`riskgate audit --output ${flags.output} > /dev/null`, results.audit);
  console.log(`objects: ${SERVICES + DAEMONSETS + 1} (with the default/kubernetes Service); runs: ${RUNS} each after one warm-up, median shown; load ${loadavg()[0].toFixed(2)}`);
  for (const row of [k, a]) console.log(`${row.name.padEnd(58)} wall ${row.seconds.toFixed(2)} s   peak RSS ${row.mib.toFixed(0)} MiB`);
  console.log(`ratio riskgate audit / kubectl: time ${(a.seconds / k.seconds).toFixed(2)}x (target <= 2x), peak RSS ${(a.mib / k.mib).toFixed(2)}x`);
  console.log(`every run (s): kubectl ${results.kubectl.map((r) => r.seconds.toFixed(2)).join(' ')}; audit ${results.audit.map((r) => r.seconds.toFixed(2)).join(' ')}`);
} finally {
  await plane.stop();
}
