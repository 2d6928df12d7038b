// e2e: serve --audit-interval on the real API server: PolicyReports appear, follow fixes and deletions, respect the bound; one of two replicas writes them, and the other takes over when it dies.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startControlPlane, type ControlPlane } from './harness/control-plane.js';
import { createNamespaces } from './harness/cluster-under-test.js';
import { renderChart, type ChartRender } from './harness/webhook-registration.js';
import { makeWebhookPki, startRiskgate, type Riskgate, type WebhookPki } from './harness/riskgate-process.js';
import { containerArgs } from './harness/pod-args.js';
import { serviceAccountKubeconfig } from './harness/service-account-kubeconfig.js';
import { waitFor } from './harness/wait-for.js';
import { CHART } from './harness/repo.js';

const WRITTEN = 'cluster audit: PolicyReports written';
const LEADS = 'cluster audit: this replica leads (holds the lease)';
const SA = 'system:serviceaccount:riskgate:riskgate';

function service(namespace: string, name: string, type = 'ClusterIP'): string {
  return `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec: {type: ${type}, ports: [{port: 80}]}\n`;
}

function daemonSet(namespace: string, name: string): string {
  return `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: a, image: 'busybox:1.36'}]}
`;
}

interface Result {
  policy: string;
  rule: string;
  result: string;
  severity: string;
  scored: boolean;
  source: string;
  message: string;
  resources: Array<{ kind: string; namespace: string; name: string; uid: string }>;
  properties: Record<string, string>;
}

interface Report {
  metadata: { name: string; namespace: string; uid: string; annotations: Record<string, string> };
  summary: Record<string, number>;
  results: Result[];
}

let plane: ControlPlane;
let chart: ChartRender;
let pki: WebhookPki;
let kubeconfig: string;
let auditArgs: string[];
const replicas: Riskgate[] = [];

async function reports(): Promise<Report[]> {
  return (JSON.parse(await plane.kubectl.ok(['get', 'policyreports', '-A', '-o', 'json'])) as { items: Report[] }).items;
}

async function report(namespace: string): Promise<Report | undefined> {
  return (await reports()).find((r) => r.metadata.namespace === namespace);
}

function result(r: Report | undefined, name: string, rule: string): Result | undefined {
  return r?.results.find((x) => x.resources[0]?.name === name && x.rule === rule);
}

const writes = (r: Riskgate) => r.logLines().filter((l) => l['msg'] === WRITTEN).length;
const identity = (r: Riskgate) => String(r.logLines().find((l) => l['msg'] === 'cluster audit: electing the replica that audits')?.['identity']);

function replica(name: string): Promise<Riskgate> {
  return startRiskgate({ name, dir: plane.dir, pki, policy: chart.policy, args: auditArgs, env: { KUBECONFIG: kubeconfig } });
}

beforeAll(async () => {
  plane = await startControlPlane();
  await createNamespaces(plane, ['riskgate', 'team-a', 'team-b', 'team-c']);
  await plane.kubectl.ok(['apply', '-f', join(CHART, 'crds')]);
  await plane.kubectl.ok(['wait', '--for=condition=Established', 'crd/policyreports.wgpolicyk8s.io', 'crd/clusterpolicyreports.wgpolicyk8s.io', '--timeout=30s']);
  await plane.kubectl.apply([service('team-a', 'web', 'NodePort'), service('team-a', 'db'), daemonSet('team-b', 'agent'), ...Array.from({ length: 8 }, (_, i) => service('team-c', `c-${i}`))].join('---\n'));
  chart = renderChart({
    dir: plane.dir,
    set: ['policy.rules.kubernetes-node-port-creation.action=deny', 'policy.rules.kubernetes-daemonset-deployed.action=warn', 'audit.interval=2s', 'audit.maxResults=5'],
  });
  // The chart's ServiceAccount and RBAC, applied for real (not its webhook configuration: admission is not under test here).
  const rbac = chart.objects.filter((o) => ['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind));
  const rbacFile = join(plane.dir, 'rbac.yaml');
  writeFileSync(rbacFile, rbac.map((o) => stringify(o)).join('---\n'));
  await plane.kubectl.ok(['apply', '-f', rbacFile]);
  kubeconfig = await serviceAccountKubeconfig(plane, 'riskgate', 'riskgate');
  // The chart's own audit flags, the namespace a pod would find itself in, and a short lease so that a take-over is quick.
  auditArgs = [...containerArgs(chart.objects).filter((a) => a.startsWith('--audit-')), '--namespace=riskgate', '--audit-lease-duration=3'];
  pki = makeWebhookPki(plane.dir);
  replicas.push(await replica('replica-0'), await replica('replica-1'));
});
afterAll(async () => {
  for (const r of replicas) await r.stop();
  await plane?.stop();
});

test('the chart passes its audit values as serve flags', () => {
  expect(auditArgs).toEqual(['--audit-interval=2s', '--audit-lease=riskgate-audit', '--audit-max-results=5', '--namespace=riskgate', '--audit-lease-duration=3']);
});

test('PolicyReports appear: one per namespace with objects, one result per object and rule', async () => {
  await waitFor('the PolicyReport of team-a', 20_000, async () => result(await report('team-a'), 'web', 'kubernetes-node-port-creation') !== undefined);
  const all = await reports();
  expect(all.map((r) => `${r.metadata.namespace}/${r.metadata.name}`).sort()).toEqual(['default/riskgate', 'team-a/riskgate', 'team-b/riskgate', 'team-c/riskgate']);
  const teamA = all.find((r) => r.metadata.namespace === 'team-a')!;
  const uid = (await plane.kubectl.ok(['get', 'service', 'web', '-n', 'team-a', '-o', 'jsonpath={.metadata.uid}'])).trim();
  expect(result(teamA, 'web', 'kubernetes-node-port-creation')).toMatchObject({
    policy: 'riskgate',
    result: 'fail',
    severity: 'low',
    scored: true,
    source: 'riskgate',
    resources: [{ kind: 'Service', namespace: 'team-a', name: 'web', uid }],
    properties: { action: 'deny', risk_score: '20', escu_id: 'd7fc865e-b8a1-4029-a960-cf4403b821b6' },
  });
  expect(teamA.results.map((r) => `${r.resources[0]!.name} ${r.rule} ${r.result}`).sort()).toEqual([
    'db kubernetes-load-balancer-node-ports pass',
    'db kubernetes-node-port-creation pass',
    'web kubernetes-load-balancer-node-ports pass',
    'web kubernetes-node-port-creation fail',
  ]);
  expect(result(all.find((r) => r.metadata.namespace === 'team-b'), 'agent', 'kubernetes-daemonset-deployed')).toMatchObject({ result: 'warn', severity: 'medium', scored: false });
  expect(await plane.kubectl.ok(['get', 'policyreports', '-n', 'team-a', '--no-headers'])).toMatch(/^riskgate\s+3\s+1\s+0\s+0\s+0\s+/);
});

test('bounded: team-c holds 5 of its 16 results, its summary counts all 16 and says how many were left out', async () => {
  const teamC = (await report('team-c'))!;
  expect(teamC.results).toHaveLength(5);
  expect(teamC.summary).toEqual({ pass: 16, fail: 0, warn: 0, error: 0, skip: 0 });
  expect(teamC.metadata.annotations).toMatchObject({ 'riskgate.io/result-limit': '5', 'riskgate.io/results-left-out': '11' });
});

test('only the replica holding the Lease writes them', async () => {
  await waitFor('a second audit run', 10_000, async () => replicas.reduce((n, r) => n + writes(r), 0) >= 2);
  const leaders = replicas.filter((r) => r.logLines().some((l) => l['msg'] === LEADS));
  expect(leaders).toHaveLength(1);
  const follower = replicas.find((r) => r !== leaders[0])!;
  expect(writes(follower)).toBe(0);
  const holder = (await plane.kubectl.ok(['get', 'lease', 'riskgate-audit', '-n', 'riskgate', '-o', 'jsonpath={.spec.holderIdentity}'])).trim();
  expect(holder).toBe(identity(leaders[0]!));
});

test('updated in place when an object is fixed, never duplicated; a namespace left empty loses its report', async () => {
  const before = (await report('team-a'))!;
  await plane.kubectl.ok(['patch', 'service', 'web', '-n', 'team-a', '--type=merge', '-p', '{"spec":{"type":"ClusterIP"}}']);
  await waitFor('web to pass', 15_000, async () => result(await report('team-a'), 'web', 'kubernetes-node-port-creation')?.result === 'pass');
  const after = (await report('team-a'))!;
  expect(after.metadata.uid).toBe(before.metadata.uid);
  expect(after.summary).toMatchObject({ pass: 4, fail: 0 });
  await plane.kubectl.ok(['delete', 'daemonset', 'agent', '-n', 'team-b']);
  await waitFor('the team-b report to go', 15_000, async () => (await report('team-b')) === undefined);
  await plane.kubectl.ok(['delete', 'service', 'db', '-n', 'team-a']);
  await waitFor('db to leave the team-a report', 15_000, async () => result(await report('team-a'), 'db', 'kubernetes-node-port-creation') === undefined);
  expect((await reports()).filter((r) => r.metadata.namespace === 'team-a')).toHaveLength(1);
});

test('the chart\'s RBAC is what the audit uses (kubectl auth can-i as the ServiceAccount)', async () => {
  const can = async (...check: string[]) => `${check.join(' ')}: ${(await plane.kubectl.run(['auth', 'can-i', ...check, `--as=${SA}`])).stdout.trim()}`;
  const allowed = [
    ['list', 'services', '-A'], ['list', 'daemonsets.apps', '-A'], ['list', 'policyreports.wgpolicyk8s.io', '-A'], ['create', 'policyreports.wgpolicyk8s.io', '-n', 'team-a'],
    ['update', 'policyreports.wgpolicyk8s.io/riskgate', '-n', 'team-a'], ['delete', 'policyreports.wgpolicyk8s.io/riskgate', '-n', 'team-a'], ['update', 'clusterpolicyreports.wgpolicyk8s.io/riskgate'],
    ['get', 'leases.coordination.k8s.io/riskgate-audit', '-n', 'riskgate'], ['update', 'leases.coordination.k8s.io/riskgate-audit', '-n', 'riskgate'], ['create', 'leases.coordination.k8s.io', '-n', 'riskgate'],
  ];
  const refused = [
    ['get', 'services', '-n', 'team-a'], ['watch', 'services', '-A'], ['list', 'deployments.apps', '-A'], ['update', 'policyreports.wgpolicyk8s.io/other', '-n', 'team-a'],
    ['delete', 'policyreports.wgpolicyk8s.io/other', '-n', 'team-a'], ['update', 'leases.coordination.k8s.io/other', '-n', 'riskgate'], ['create', 'leases.coordination.k8s.io', '-n', 'team-a'],
  ];
  expect(await Promise.all(allowed.map((c) => can(...c)))).toEqual(allowed.map((c) => `${c.join(' ')}: yes`));
  expect(await Promise.all(refused.map((c) => can(...c)))).toEqual(refused.map((c) => `${c.join(' ')}: no`));
});

test('kill the leader: the other replica takes the Lease over and keeps the reports current', async () => {
  const leader = replicas.find((r) => r.logLines().some((l) => l['msg'] === LEADS))!;
  const survivor = replicas.find((r) => r !== leader)!;
  process.kill(leader.process.pid, 'SIGKILL');
  await leader.process.exited;
  await waitFor('the survivor to take over', 20_000, async () => survivor.logLines().some((l) => l['msg'] === 'cluster audit: took over the lease'));
  await plane.kubectl.apply(daemonSet('team-b', 'late'));
  await waitFor('the late DaemonSet in a new team-b report', 15_000, async () => result(await report('team-b'), 'late', 'kubernetes-daemonset-deployed')?.result === 'warn');
  expect(writes(survivor)).toBeGreaterThan(0);
  const lease = JSON.parse(await plane.kubectl.ok(['get', 'lease', 'riskgate-audit', '-n', 'riskgate', '-o', 'json'])) as { spec: { holderIdentity: string; leaseTransitions: number } };
  expect(lease.spec.holderIdentity).toBe(identity(survivor));
  expect(lease.spec.leaseTransitions).toBe(1);
});

test('a replica shutting down hands the Lease back at once', async () => {
  const survivor = replicas.find((r) => r.process.failure() === undefined)!;
  await survivor.stop();
  const holder = (await plane.kubectl.ok(['get', 'lease', 'riskgate-audit', '-n', 'riskgate', '-o', 'jsonpath={.spec.holderIdentity}'])).trim();
  expect(holder).toBe('');
});
