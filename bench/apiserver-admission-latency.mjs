// Bench: admission latency as the real kube-apiserver sees it. The same request mix (ClusterIP Services, NodePort
// Services, DaemonSets) is sent to the API server twice in one run: without any webhook (the baseline) and with riskgate
// registered through the chart's render; prints client p50/p99 of both and their ratio, the API server's own
// apiserver_admission_webhook_admission_duration_seconds for riskgate's two entries, and riskgate's own review duration.
// Usage: npm run -s build && node bench/apiserver-admission-latency.mjs [--requests 1200] [--concurrency 8]
// Needs the envtest binaries: export KUBEBUILDER_ASSETS=$(bash tools/install-kube-assets.sh)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({ options: { requests: { type: 'string', default: '1200' }, concurrency: { type: 'string', default: '8' } } });
const total = Number(flags.requests);
const concurrency = Number(flags.concurrency);

// The e2e harness (TypeScript) compiled once into bench/out, so the bench starts the control plane exactly as the suite does.
execFileSync(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(repo, 'tsconfig.e2e-harness.json')], { stdio: 'inherit' });
const harness = join(repo, 'bench', 'out', 'e2e-harness', 'test', 'e2e', 'harness');
const { startControlPlane } = await import(join(harness, 'control-plane.js'));
const { createNamespaces, waitForWebhookCalls } = await import(join(harness, 'cluster-under-test.js'));
const { makeWebhookPki, startRiskgate } = await import(join(harness, 'riskgate-process.js'));
const { registerWebhook, renderChart } = await import(join(harness, 'webhook-registration.js'));

const MIX = [...Array(7).fill('clusterip'), ...Array(2).fill('nodeport'), 'daemonset'];

function body(kind, name) {
  if (kind === 'daemonset') {
    return ['/apis/apps/v1/namespaces/bench/daemonsets', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name }, spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'busybox' }] } } } }];
  }
  const spec = { ports: [{ port: 80, targetPort: 8080 }], ...(kind === 'nodeport' ? { type: 'NodePort' } : {}) };
  return ['/api/v1/namespaces/bench/services', { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec }];
}

function post(plane, agent, path, object) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(`${plane.url}${path}`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(object));
  });
}

async function drive(plane, prefix) {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: concurrency,
    ca: readFileSync(plane.ca.cert),
    cert: readFileSync(join(plane.dir, 'admin.crt')),
    key: readFileSync(join(plane.dir, 'admin.key')),
  });
  const times = [];
  const statuses = {};
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const kind = MIX[i % MIX.length];
      const [path, object] = body(kind, `${prefix}-${kind}-${i}`);
      const { status, ms } = await post(plane, agent, path, object);
      times.push(ms);
      statuses[`${kind} ${status}`] = (statuses[`${kind} ${status}`] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { p50: at(0.5), p99: at(0.99), statuses };
}

/** histogram_quantile over one histogram's cumulative buckets (Prometheus' linear interpolation). */
function quantile(text, metric, labelFilter, q) {
  const buckets = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}_bucket{`) || !labelFilter(line)) continue;
    const le = /le="([^"]+)"/.exec(line)[1];
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const count = sorted.at(-1)?.[1] ?? 0;
  if (count === 0) return { count, value: NaN };
  const rank = q * count;
  let prevBound = 0;
  let prevCount = 0;
  for (const [bound, cumulative] of sorted) {
    if (cumulative >= rank) {
      if (bound === Infinity) return { count, value: prevBound };
      return { count, value: prevBound + ((bound - prevBound) * (rank - prevCount)) / Math.max(1, cumulative - prevCount) };
    }
    [prevBound, prevCount] = [bound, cumulative];
  }
  return { count, value: prevBound };
}

const ms = (s) => `${(s * 1000).toFixed(2)} ms`;
const plane = await startControlPlane();
let riskgate;
try {
  await createNamespaces(plane, ['bench']);
  const baseline = await drive(plane, 'base');
  const pki = makeWebhookPki(plane.dir);
  const chart = renderChart({ dir: plane.dir, set: ['policy.rules.kubernetes-node-port-creation.action=deny', 'policy.rules.kubernetes-daemonset-deployed.action=warn'] });
  riskgate = await startRiskgate({ name: 'riskgate-0', dir: plane.dir, pki, policy: chart.policy });
  await registerWebhook(plane.kubectl, chart.webhookConfiguration, riskgate.url, pki.caBundle);
  await waitForWebhookCalls(plane, riskgate);
  const withWebhook = await drive(plane, 'rg');
  const apiMetrics = await plane.kubectl.ok(['get', '--raw', '/metrics']);
  const ownMetrics = await riskgate.metrics();
  console.log(`requests per phase: ${total}, concurrency ${concurrency}, mix ClusterIP:NodePort:DaemonSet 7:2:1; load ${loadavg()[0].toFixed(2)}`);
  console.log(`baseline (no webhook)   client p50 ${baseline.p50.toFixed(2)} ms  p99 ${baseline.p99.toFixed(2)} ms  ${JSON.stringify(baseline.statuses)}`);
  console.log(`riskgate registered     client p50 ${withWebhook.p50.toFixed(2)} ms  p99 ${withWebhook.p99.toFixed(2)} ms  ${JSON.stringify(withWebhook.statuses)}`);
  console.log(`ratio riskgate/baseline p50 ${(withWebhook.p50 / baseline.p50).toFixed(2)}  p99 ${(withWebhook.p99 / baseline.p99).toFixed(2)}`);
  for (const name of ['enforce.riskgate.io', 'observe.riskgate.io']) {
    const filter = (l) => l.includes(`name="${name}"`);
    const p50 = quantile(apiMetrics, 'apiserver_admission_webhook_admission_duration_seconds', filter, 0.5);
    const p99 = quantile(apiMetrics, 'apiserver_admission_webhook_admission_duration_seconds', filter, 0.99);
    console.log(`API server sees ${name.padEnd(20)} calls ${String(p50.count).padStart(5)}  p50 ${ms(p50.value)}  p99 ${ms(p99.value)} (interpolated in its buckets)`);
  }
  const own50 = quantile(ownMetrics, 'riskgate_review_duration_seconds', () => true, 0.5);
  const own99 = quantile(ownMetrics, 'riskgate_review_duration_seconds', () => true, 0.99);
  console.log(`riskgate's own review duration        reviews ${String(own50.count).padStart(5)}  p50 ${ms(own50.value)}  p99 ${ms(own99.value)} (interpolated in its buckets)`);
} finally {
  await riskgate?.stop();
  await plane.stop();
}
