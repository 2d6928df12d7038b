// e2e: --k8s-events on the real API server: kubectl describe lists riskgate's Events, one per object and rule across two replicas and a restart.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from './harness/control-plane.js';
import { createNamespaces, waitForWebhookCalls } from './harness/cluster-under-test.js';
import { renderChart, registerWebhook, type ChartRender } from './harness/webhook-registration.js';
import { makeWebhookPki, startRiskgate, sumOf, type Riskgate, type WebhookPki } from './harness/riskgate-process.js';
import { serviceAccountKubeconfig } from './harness/service-account-kubeconfig.js';
import { waitFor } from './harness/wait-for.js';

// The sink's default aggregation window: 10 minutes aligned to the clock (src/sinks/k8s-event-sink.ts).
const WINDOW_MS = 10 * 60_000;
const AGENT = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: team-a}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: app, image: 'busybox:1.36'}]
`;
const POD = `apiVersion: v1
kind: Pod
metadata: {name: shell-target, namespace: team-a}
spec:
  containers: [{name: app, image: busybox, command: [sleep, infinity]}]
`;

let plane: ControlPlane;
let chart: ChartRender;
let pki: WebhookPki;
let kubeconfig: string;
const replicas: Riskgate[] = [];

function replica(name: string): Promise<Riskgate> {
  return startRiskgate({ name, dir: plane.dir, pki, policy: chart.policy, args: ['--k8s-events', 'deny,warn'], env: { KUBECONFIG: kubeconfig } });
}

async function routeTo(riskgate: Riskgate): Promise<void> {
  await registerWebhook(plane.kubectl, chart.webhookConfiguration, riskgate.url, pki.caBundle);
  await waitForWebhookCalls(plane, riskgate);
}

interface KubeEvent {
  reason: string;
  message: string;
  count: number;
  involvedObject: { kind: string; name: string; uid?: string; apiVersion?: string };
}

async function riskgateEvents(): Promise<KubeEvent[]> {
  const list = JSON.parse(await plane.kubectl.ok(['get', 'events', '-n', 'team-a', '-o', 'json'])) as { items: KubeEvent[] };
  return list.items.filter((e) => e.reason.startsWith('Riskgate'));
}

beforeAll(async () => {
  plane = await startControlPlane();
  await plane.kubectl.ok(['create', 'namespace', 'riskgate']);
  await createNamespaces(plane, ['team-a']);
  chart = renderChart({
    dir: plane.dir,
    set: [
      'eventSink.enabled=true', 'eventSink.actions={deny,warn}', 'policy.rules.kubernetes-node-port-creation.action=deny',
      'policy.rules.kubernetes-daemonset-deployed.action=warn', 'policy.rules.kubernetes-daemonset-template-update.action=warn',
      'policy.rules.kubernetes-shell-exec-into-pod.action=warn',
    ],
  });
  // The chart's ServiceAccount and RBAC, applied for real: the replicas write Events with its token.
  await plane.kubectl.ok(['apply', '-f', join(plane.dir, 'chart-render.yaml')]);
  kubeconfig = await serviceAccountKubeconfig(plane, 'riskgate', 'riskgate');
  pki = makeWebhookPki(plane.dir);
  replicas.push(await replica('replica-0'), await replica('replica-1'));
  await plane.kubectl.apply(POD);
  // Stay inside one aggregation window for the whole sequence: wait out a boundary less than 90 s away.
  const toBoundary = WINDOW_MS - (Date.now() % WINDOW_MS);
  if (toBoundary < 90_000) await new Promise((r) => setTimeout(r, toBoundary + 1_000));
});
afterAll(async () => {
  for (const r of replicas) await r.stop();
  await plane?.stop();
});

test('a warned DaemonSet and an exec into a Pod show in kubectl describe (involvedObject carries the uid)', async () => {
  await routeTo(replicas[0]!);
  await plane.kubectl.apply(AGENT);
  // No kubelet: the API server admits the CONNECT, then answers that the Pod has no node (kubectl exec prints no warning then).
  await plane.kubectl.run(['exec', 'shell-target', '-n', 'team-a', '--', 'sh']);
  await waitFor('Events for the DaemonSet and the Pod', 20_000, async () => (await riskgateEvents()).length >= 2);
  const uid = (await plane.kubectl.ok(['get', 'daemonset', 'agent', '-n', 'team-a', '-o', 'jsonpath={.metadata.uid}'])).trim();
  const events = await riskgateEvents();
  expect(events.find((e) => e.involvedObject.kind === 'DaemonSet')?.involvedObject).toMatchObject({ name: 'agent', uid, apiVersion: 'apps/v1' });
  const describeDs = await plane.kubectl.ok(['describe', 'daemonset', 'agent', '-n', 'team-a']);
  expect(describeDs).toMatch(/Warning\s+RiskgateWarned\s+.*warned by rule kubernetes-daemonset-deployed: DaemonSet team-a\/agent is created/);
  const describePod = await plane.kubectl.ok(['describe', 'pod', 'shell-target', '-n', 'team-a']);
  expect(describePod).toMatch(/Warning\s+RiskgateWarned\s+.*warned by rule kubernetes-shell-exec-into-pod/);
});

test('one Event per object and rule whichever replica judged, and after a restart: its count adds up', async () => {
  const setImage = async (tag: string) => expect((await plane.kubectl.run(['set', 'image', 'daemonset/agent', '-n', 'team-a', `app=busybox:${tag}`])).stderr).toContain('Warning: riskgate kubernetes-daemonset-template-update');
  await setImage('1.37'); // replica-0
  await routeTo(replicas[1]!);
  await setImage('1.38'); // replica-1
  await replicas[0]!.stop();
  replicas[0] = await replica('replica-0'); // a restart: same data dir, a new process
  await routeTo(replicas[0]);
  await setImage('1.39');
  const updates = async () => (await riskgateEvents()).filter((e) => e.message.includes('kubernetes-daemonset-template-update'));
  await waitFor('the three template changes counted on one Event', 30_000, async () => (await updates()).reduce((n, e) => n + e.count, 0) >= 3);
  const events = await updates();
  expect(events.map((e) => e.count)).toEqual([3]);
  expect(await plane.kubectl.ok(['describe', 'daemonset', 'agent', '-n', 'team-a'])).toMatch(/RiskgateWarned\s+.*\(x3 over .*\).*kubernetes-daemonset-template-update/);
});

test('/metrics counts the Events each replica wrote', async () => {
  const written = await Promise.all(replicas.map(async (r) => sumOf(await r.metrics(), 'riskgate_k8s_events_written_total')));
  expect(written[1]).toBeGreaterThanOrEqual(1);
  expect(written[0]).toBeGreaterThanOrEqual(1);
  const failed = await Promise.all(replicas.map(async (r) => (await r.metrics()).match(/riskgate_k8s_events_written_total\{outcome="failed"\} (\d+)/)?.[1] ?? '0'));
  expect(failed).toEqual(['0', '0']);
});

test('the Event sink RBAC is exactly what it uses (kubectl auth can-i --as the ServiceAccount)', async () => {
  const as = '--as=system:serviceaccount:riskgate:riskgate';
  const can = async (...check: string[]) => `${check.join(' ')}: ${(await plane.kubectl.run(['auth', 'can-i', ...check, as])).stdout.trim()}`;
  const allowed = [['create', 'events', '-n', 'team-a'], ['get', 'events', '-n', 'team-a'], ['patch', 'events', '-n', 'team-a'], ['get', 'pods', '-n', 'team-a']];
  const refused = [['update', 'events', '-n', 'team-a'], ['delete', 'events', '-n', 'team-a'], ['list', 'pods', '-n', 'team-a'], ['create', 'pods', '--subresource=exec', '-n', 'team-a'], ['create', 'pods', '-n', 'team-a']];
  expect(await Promise.all(allowed.map((c) => can(...c)))).toEqual(allowed.map((c) => `${c.join(' ')}: yes`));
  expect(await Promise.all(refused.map((c) => can(...c)))).toEqual(refused.map((c) => `${c.join(' ')}: no`));
});
