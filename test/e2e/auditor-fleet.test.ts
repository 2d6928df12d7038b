// e2e: two replicas behind one address (a round-robin TCP proxy standing in for the Service), denials spread over both, all of them in one auditor query (API and `riskgate events --server`), a stopped peer marked.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../check/cli-run.js';
import { startControlPlane, type ControlPlane } from './harness/control-plane.js';
import { createNamespaces } from './harness/cluster-under-test.js';
import { CHART } from './harness/repo.js';
import { freePort } from './harness/free-port.js';
import { httpsGet } from './harness/https-get.js';
import { startRoundRobinProxy, type RoundRobinProxy } from './harness/round-robin-proxy.js';
import { makeWebhookPki, startRiskgate, type Riskgate, type WebhookPki } from './harness/riskgate-process.js';
import { serviceAccountKubeconfig } from './harness/service-account-kubeconfig.js';
import { registerWebhook, renderChart, type ChartRender } from './harness/webhook-registration.js';
import { waitFor } from './harness/wait-for.js';

/**
 * The harness has no kube-proxy and the API server refuses loopback addresses in EndpointSlices (and Endpoints):
 * "may not be in the loopback range" on v1.32.13. So the Service is a loopback proxy here, and each replica is told
 * the other's address with --auditor-peer; --auditor-peers-service still lists the Service's EndpointSlices with the
 * chart's RBAC (the last tests give it a slice whose endpoints are never dialled: itself and one not ready).
 */
const SA = 'system:serviceaccount:riskgate:riskgate';
const PEER_TIMEOUT_S = 1;
const AUDITOR_ROLE = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: riskgate-auditor}
rules:
- apiGroups: ["riskgate.io"]
  resources: ["riskevents"]
  verbs: ["list"]
`;

interface Answer {
  events: Array<{ event_id: string; action: string; replica: string; fields: { name: string; namespace: string; user: string } }>;
  total: number;
  complete: boolean;
  replicas: Array<{ name: string; self?: boolean; answered: boolean; events?: number; total?: number; error?: string; skipped?: string }>;
  discovery_error?: string;
}

let plane: ControlPlane;
let chart: ChartRender;
let pki: WebhookPki;
let kubeconfig: string;
let auditorToken: string;
let tokenFile: string;
const ports = { webhook: [0, 0], auditor: [0, 0] };
const replicas: Riskgate[] = [];
let webhookProxy: RoundRobinProxy;
let auditorProxy: RoundRobinProxy;
const denied: Array<{ name: string; user: string }> = [];
const deniedNames = () => denied.map((d) => d.name).sort();

function replica(i: number): Promise<Riskgate> {
  const peer = ports.auditor[1 - i]!;
  return startRiskgate({
    name: `replica-${i}`, dir: plane.dir, pki, policy: chart.policy, port: ports.webhook[i]!, env: { KUBECONFIG: kubeconfig },
    // The chart's auditor flags (--auditor-peers-service, --auditor-peer-timeout), plus the peer the API server cannot register.
    args: [
      '--auditor-port', String(ports.auditor[i]), '--auditor-peers-service', 'riskgate/riskgate', '--auditor-peer-timeout', String(PEER_TIMEOUT_S), '--auditor-peer', `https://127.0.0.1:${peer}`,
      // The chart's cluster audit (audit.interval), so the page can show what its PolicyReports hold.
      '--audit-interval', '1h', '--audit-lease', 'riskgate-audit', '--namespace', 'riskgate',
    ],
  });
}

/** One connection per query (connection: close), so the proxy hands each to the next replica. */
async function query(target: string, path: string): Promise<Answer> {
  const answer = await httpsGet(`https://${target}/${path}`, pki.ca.cert, { token: auditorToken, headers: { connection: 'close' } });
  if (answer.status !== 200) throw new Error(`${path}: HTTP ${answer.status} ${answer.body}`);
  return JSON.parse(answer.body) as Answer;
}

const viaService = (path: string) => query(`127.0.0.1:${auditorProxy.port}`, path);
const direct = (i: number, path: string) => query(`127.0.0.1:${ports.auditor[i]}`, path);
const ids = (answer: Answer) => answer.events.map((e) => e.event_id).sort();

/** NodePort creates at once (so the API server opens several connections, which the proxy spreads), as alice and bob. */
async function createNodePorts(round: number, count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const name = `np-${round}-${i}`;
      const namespace = i % 2 === 0 ? 'team-a' : 'team-b';
      const user = i % 3 === 0 ? 'bob' : 'alice@example.com';
      const result = await plane.kubectl.run(['create', 'service', 'nodeport', name, '--tcp=80:8080', '-n', namespace], { context: `as-${user}` });
      expect(result.stderr).toContain('denied the request');
      denied.push({ name, user });
    }),
  );
}

beforeAll(async () => {
  ports.webhook = [await freePort(), await freePort()];
  ports.auditor = [await freePort(), await freePort()];
  plane = await startControlPlane();
  await plane.kubectl.ok(['create', 'namespace', 'riskgate']);
  await createNamespaces(plane, ['team-a', 'team-b']);
  // Made before riskgate was registered: only the cluster audit can find it.
  await plane.kubectl.ok(['create', 'service', 'nodeport', 'legacy', '--tcp=80:8080', '-n', 'team-b']);
  await plane.kubectl.ok(['apply', '-f', join(CHART, 'crds')]);
  chart = renderChart({ dir: plane.dir, set: ['auditor.enabled=true', 'policy.rules.kubernetes-node-port-creation.action=deny'] });
  // The chart's ServiceAccount, RBAC and Service, applied for real; the webhook configuration is then pointed at the proxy.
  await plane.kubectl.ok(['apply', '-f', join(plane.dir, 'chart-render.yaml')]);
  kubeconfig = await serviceAccountKubeconfig(plane, 'riskgate', 'riskgate');
  await plane.kubectl.apply(AUDITOR_ROLE);
  await plane.kubectl.ok(['create', 'serviceaccount', 'auditor', '-n', 'team-a']);
  await plane.kubectl.ok(['create', 'clusterrolebinding', 'team-a-auditor', '--clusterrole=riskgate-auditor', '--serviceaccount=team-a:auditor']);
  auditorToken = (await plane.kubectl.ok(['create', 'token', 'auditor', '-n', 'team-a'])).trim();
  tokenFile = join(plane.dir, 'auditor.token');
  writeFileSync(tokenFile, auditorToken);
  pki = makeWebhookPki(plane.dir);
  replicas.push(await replica(0), await replica(1));
  webhookProxy = await startRoundRobinProxy('127.0.0.1', 0, ports.webhook.map((port) => ({ host: '127.0.0.1', port })));
  auditorProxy = await startRoundRobinProxy('127.0.0.1', 0, ports.auditor.map((port) => ({ host: '127.0.0.1', port })));
  await registerWebhook(plane.kubectl, chart.webhookConfiguration, `https://127.0.0.1:${webhookProxy.port}`, pki.caBundle);
  let n = 0;
  await waitFor('the API server to call riskgate through the proxy', 30_000, async () => {
    await plane.kubectl.run(['create', 'service', 'nodeport', `e2e-probe-${n++}`, '--tcp=80:80', '-n', 'default', '--dry-run=server']);
    return (await replicas[0]!.reviewCount()) + (await replicas[1]!.reviewCount()) > 0;
  });
}, 120_000);
afterAll(async () => {
  await webhookProxy?.close();
  await auditorProxy?.close();
  for (const r of replicas) await r.stop();
  await plane?.stop();
});

test('denials spread over both replicas are all in one auditor query through the one address, each once', async () => {
  // Rounds of concurrent creates until both replicas have judged some (the API server keeps connections alive).
  for (let round = 0; round < 4; round++) {
    await createNodePorts(round, 8);
    const held = await Promise.all([0, 1].map(async (i) => (await direct(i, 'api/events?scope=local&action=deny&limit=10000')).total));
    if (held.every((h) => h > 0) && held[0]! + held[1]! === denied.length) break;
  }
  const local = await Promise.all([0, 1].map((i) => direct(i, 'api/events?scope=local&action=deny&limit=10000')));
  expect(local.map((l) => l.total).every((t) => t > 0)).toBe(true);
  expect(local[0]!.total + local[1]!.total).toBe(denied.length);
  // Two queries through the proxy: one served by each replica (told apart by the peer it names); both see every denial once.
  const servedBy = new Set<string>();
  for (let q = 0; q < 2; q++) {
    const answer = await viaService('api/events?action=deny&limit=10000');
    expect(answer.complete).toBe(true);
    expect(answer.total).toBe(denied.length);
    expect(ids(answer)).toEqual([...ids(local[0]!), ...ids(local[1]!)].sort());
    expect(answer.events.map((e) => e.fields.name).sort()).toEqual(deniedNames());
    expect(answer.replicas.map((r) => [r.answered, r.events])).toEqual([[true, answer.replicas[0]!.total], [true, answer.replicas[1]!.total]]);
    expect(answer.replicas[0]).toMatchObject({ name: hostname(), self: true });
    servedBy.add(answer.replicas[1]!.name === `127.0.0.1:${ports.auditor[1]}` ? 'replica-0' : 'replica-1');
  }
  expect(servedBy).toEqual(new Set(['replica-0', 'replica-1']));
  expect(auditorProxy.connections.size).toBe(2);
  expect([...webhookProxy.connections.values()].every((c) => c > 0)).toBe(true);
});

test('filters and pages apply to the merged events: user=alice* finds every denial of alice@example.com', async () => {
  const alice = await viaService('api/events?action=deny&user=alice*&limit=10000');
  expect(alice.total).toBe(denied.filter((d) => d.user === 'alice@example.com').length);
  expect(new Set(alice.events.map((e) => e.fields.user))).toEqual(new Set(['alice@example.com']));
  const first = await viaService('api/events?action=deny&limit=5');
  const second = await viaService('api/events?action=deny&limit=5&offset=5');
  expect(first.events.filter((e) => second.events.some((s) => s.event_id === e.event_id))).toEqual([]);
  expect(first.total).toBe(denied.length);
});

test('riskgate events --server through the one address lists every denial of both replicas', async () => {
  const result = await runCli(['events', '--server', `https://127.0.0.1:${auditorProxy.port}`, '--token-file', tokenFile, '--ca-file', pki.ca.cert, '--action', 'deny', '--output', 'json', '--limit', '10000'], plane.dir);
  expect(result.stderr).toBe(`${denied.length} matching ${denied.length === 1 ? 'event' : 'events'} from 2 of 2 replicas\n`);
  expect(result.code).toBe(0);
  const listed = JSON.parse(result.stdout) as Array<{ fields: { name: string } }>;
  expect(listed.map((e) => e.fields.name).sort()).toEqual(deniedNames());
});

test("the Service's EndpointSlices are listed with the chart's RBAC: itself left out, one not ready noted, nothing dialled", async () => {
  const can = async (...check: string[]) => (await plane.kubectl.run(['auth', 'can-i', ...check, `--as=${SA}`])).stdout.trim();
  expect(await can('list', 'endpointslices.discovery.k8s.io', '-n', 'riskgate')).toBe('yes');
  expect(await can('watch', 'endpointslices.discovery.k8s.io', '-n', 'riskgate')).toBe('no');
  expect(await can('list', 'endpointslices.discovery.k8s.io', '-n', 'team-a')).toBe('no');
  // Addresses from TEST-NET-1 that are never dialled: the endpoint of this process (its Pod name is its host name) and one not ready.
  await plane.kubectl.apply(`apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: riskgate-e2e
  namespace: riskgate
  labels: {kubernetes.io/service-name: riskgate, endpointslice.kubernetes.io/managed-by: e2e}
addressType: IPv4
ports: [{name: auditor, port: 8444, protocol: TCP}]
endpoints:
- addresses: [192.0.2.10]
  conditions: {ready: true}
  targetRef: {kind: Pod, namespace: riskgate, name: ${JSON.stringify(hostname())}}
- addresses: [192.0.2.11]
  conditions: {ready: false, serving: false}
  targetRef: {kind: Pod, namespace: riskgate, name: riskgate-starting}
`);
  let answer: Answer | undefined;
  await waitFor('the slice to be listed (at most 5 s cached)', 15_000, async () => {
    answer = await direct(0, 'api/events?action=deny&limit=1');
    return answer.replicas.some((r) => r.name === 'riskgate-starting');
  });
  expect(answer!.discovery_error).toBeUndefined();
  expect(answer!.complete).toBe(true);
  expect(answer!.replicas.map((r) => [r.name, r.answered, r.skipped ?? r.error ?? 'answered'])).toEqual([
    [hostname(), true, 'answered'],
    [`127.0.0.1:${ports.auditor[1]}`, true, 'answered'],
    ['riskgate-starting', false, 'not ready'],
  ]);
});

test("the page shows the cluster audit too: a NodePort made before riskgate, read from the leader's PolicyReport by either replica", async () => {
  await waitFor('the leader to write the PolicyReport of team-b', 30_000, async () => (await plane.kubectl.run(['get', 'policyreport', 'riskgate', '-n', 'team-b'])).code === 0);
  for (const i of [0, 1]) {
    const audit = await httpsGet(`https://127.0.0.1:${ports.auditor[i]}/api/audit?namespace=team-b`, pki.ca.cert, { token: auditorToken, headers: { connection: 'close' } });
    expect(audit.status).toBe(200);
    expect((JSON.parse(audit.body) as { rows: unknown[] }).rows).toEqual([{ rule: 'kubernetes-node-port-creation', namespace: 'team-b', fail: 1, warn: 0, skip: 0 }]);
  }
  const page = await httpsGet(`https://127.0.0.1:${auditorProxy.port}/?namespace=team-b`, pki.ca.cert, { token: auditorToken, headers: { accept: 'text/html', connection: 'close' } });
  expect(page.body).toContain('<h2>Cluster audit: violations now</h2>');
  expect(page.body).toMatch(/<tr data-rule="kubernetes-node-port-creation" data-namespace="team-b">.*<td class="num">1<\/td>/);
});

test('a stopped peer is marked as not answering (hung: the deadline; gone: refused); what the others hold is still shown', async () => {
  const onZero = (await direct(0, 'api/events?scope=local&action=deny&limit=10000')).total;
  const peerName = `127.0.0.1:${ports.auditor[1]}`;
  // Endpoint removal, as for a Pod that stops: the Service no longer sends anything to replica-1.
  auditorProxy.setTargets([{ host: '127.0.0.1', port: ports.auditor[0]! }]);
  webhookProxy.setTargets([{ host: '127.0.0.1', port: ports.webhook[0]! }]);
  process.kill(replicas[1]!.process.pid, 'SIGSTOP');
  try {
    const started = Date.now();
    const hung = await viaService('api/events?action=deny&limit=10000');
    expect(Date.now() - started).toBeLessThan(PEER_TIMEOUT_S * 1000 + 2_000);
    expect(hung.complete).toBe(false);
    expect(hung.total).toBe(onZero);
    expect(hung.replicas.find((r) => r.name === peerName)).toEqual({ name: peerName, answered: false, error: `no answer within ${PEER_TIMEOUT_S} s` });
    const page = await httpsGet(`https://127.0.0.1:${auditorProxy.port}/?action=deny`, pki.ca.cert, { token: auditorToken, headers: { accept: 'text/html', connection: 'close' } });
    expect(page.body).toContain(`<li class="replica-missing" data-replica="${peerName}"><b>${peerName}</b>: did not answer (no answer within ${PEER_TIMEOUT_S} s); its events are missing</li>`);
  } finally {
    process.kill(replicas[1]!.process.pid, 'SIGCONT');
  }
  await replicas[1]!.stop();
  const gone = await viaService('api/events?action=deny&limit=10000');
  expect(gone.replicas.find((r) => r.name === peerName)).toEqual({ name: peerName, answered: false, error: 'ECONNREFUSED' });
  const cli = await runCli(['events', '--server', `https://127.0.0.1:${auditorProxy.port}`, '--token-file', tokenFile, '--ca-file', pki.ca.cert, '--action', 'deny'], plane.dir);
  expect(cli.code).toBe(1);
  // The count is what replica 0 happened to receive: one event reads "1 matching event".
  expect(cli.stderr).toContain(`${onZero} matching ${onZero === 1 ? 'event' : 'events'} from 1 of 2 replicas (incomplete)`);
  expect(cli.stderr).toContain(`riskgate events: replica ${peerName} did not answer (ECONNREFUSED): its events are missing`);
  const warned = replicas[0]!.logLines().filter((l) => l['msg'] === 'auditor view: a peer replica did not answer; the view lacks its events');
  expect(warned.map((l) => l['reason'])).toEqual(expect.arrayContaining([`no answer within ${PEER_TIMEOUT_S} s`, 'ECONNREFUSED']));
});
