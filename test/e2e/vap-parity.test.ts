// e2e: the same table of kubectl requests (every rule; exempt and not; CREATE, UPDATE, dry-run) once with riskgate's webhook
// registered and once with only `riskgate vap`'s ValidatingAdmissionPolicies installed: the same allow/deny and warnings.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startClusterUnderTest, type ClusterUnderTest } from './harness/cluster-under-test.js';
import { serviceAccountToken, warningsOf } from './harness/kubectl-case.js';
import { CLI, E2E_FIXTURES } from './harness/repo.js';
import { waitFor } from './harness/wait-for.js';

const NAMESPACES = ['team-a', 'dev-1', 'prod-1', 'sandbox-1', 'ops', 'ci'];
const OBJECT_NAMESPACES = NAMESPACES.filter((n) => n !== 'ci');

interface Step {
  name: string;
  kubectl: string[];
  as?: string;
  serviceAccount?: string;
  stdin?: string;
}

const service = (name: string, ns: string, type: string, extra = '') =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${ns}${extra}}\nspec:\n  type: ${type}\n  selector: {app: x}\n  ports: [{port: 80, targetPort: 8080}]\n`;
const daemonSet = (ns: string) =>
  `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: ${ns}}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec: {containers: [{name: agent, image: busybox:1.36}]}\n`;
const apply = (name: string, stdin: string, extra: string[] = []): Step => ({ name, kubectl: ['apply', '-f', '-', ...extra], stdin });

/** The table. Objects are deleted between the two runs; Pods (exec targets) stay. */
const STEPS: Step[] = [
  { name: 'NodePort create', kubectl: ['create', 'service', 'nodeport', 'np-1', '--tcp=80:80', '-n', 'team-a'] },
  { name: 'NodePort create, dry-run', kubectl: ['create', 'service', 'nodeport', 'np-2', '--tcp=80:80', '-n', 'team-a', '--dry-run=server'] },
  { name: 'NodePort create where the rule warns', kubectl: ['create', 'service', 'nodeport', 'np-3', '--tcp=80:80', '-n', 'dev-1'] },
  { name: 'NodePort create in an exempt namespace pattern', kubectl: ['create', 'service', 'nodeport', 'np-4', '--tcp=80:80', '-n', 'sandbox-1'] },
  { name: 'NodePort create by an exempt user', kubectl: ['create', 'service', 'nodeport', 'np-5', '--tcp=80:80', '-n', 'team-a'], as: 'carol' },
  { name: 'NodePort create by an exempt group (block with an end)', kubectl: ['create', 'service', 'nodeport', 'np-6', '--tcp=80:80', '-n', 'team-a'], as: 'bob' },
  { name: 'NodePort create by an exempt service account', kubectl: ['create', 'service', 'nodeport', 'np-7', '--tcp=80:80', '-n', 'team-a'], serviceAccount: 'ci/deployer' },
  { name: 'NodePort create by another service account', kubectl: ['create', 'service', 'nodeport', 'np-8', '--tcp=80:80', '-n', 'team-a'], serviceAccount: 'ci/builder' },
  apply('NodePort create with the approved label', service('np-approved', 'team-a', 'NodePort', ', labels: {riskgate.io/approved: "yes"}')),
  { name: 'ClusterIP create', kubectl: ['create', 'service', 'clusterip', 'cip-1', '--tcp=80:80', '-n', 'team-a'] },
  { name: 'ClusterIP to NodePort patch (UPDATE)', kubectl: ['patch', 'service', 'cip-1', '-n', 'team-a', '-p', '{"spec":{"type":"NodePort"}}'] },
  { name: 'ClusterIP to NodePort patch, dry-run', kubectl: ['patch', 'service', 'cip-1', '-n', 'team-a', '--dry-run=server', '-p', '{"spec":{"type":"NodePort"}}'] },
  { name: 'label a ClusterIP Service approved', kubectl: ['label', 'service', 'cip-1', '-n', 'team-a', 'riskgate.io/approved=yes'] },
  { name: 'patch an approved Service to NodePort', kubectl: ['patch', 'service', 'cip-1', '-n', 'team-a', '-p', '{"spec":{"type":"NodePort"}}'] },
  { name: 'ClusterIP create (2)', kubectl: ['create', 'service', 'clusterip', 'cip-2', '--tcp=80:80', '-n', 'team-a'] },
  {
    name: 'the approved label and NodePort in the same patch',
    kubectl: ['patch', 'service', 'cip-2', '-n', 'team-a', '-p', '{"metadata":{"labels":{"riskgate.io/approved":"yes"}},"spec":{"type":"NodePort"}}'],
  },
  { name: 'LoadBalancer create (warns)', kubectl: ['create', 'service', 'loadbalancer', 'lb-1', '--tcp=443:8443', '-n', 'team-a'] },
  apply('LoadBalancer without node ports', service('lb-2', 'team-a', 'LoadBalancer').replace('  selector', '  allocateLoadBalancerNodePorts: false\n  selector')),
  apply('DaemonSet create where the rule warns', daemonSet('team-a')),
  apply('DaemonSet create where the rule denies, dry-run', daemonSet('prod-1'), ['--dry-run=server']),
  apply('DaemonSet create where the rule denies', daemonSet('prod-1')),
  { name: 'DaemonSet pod template change', kubectl: ['set', 'image', 'daemonset/agent', 'agent=busybox:1.37', '-n', 'team-a'] },
  { name: 'DaemonSet pod template change, dry-run', kubectl: ['set', 'image', 'daemonset/agent', 'agent=busybox:1.37', '-n', 'team-a', '--dry-run=server'] },
  { name: 'DaemonSet label change', kubectl: ['label', 'daemonset', 'agent', '-n', 'team-a', 'tier=node'] },
  { name: 'exec a shell', kubectl: ['exec', 'shell-target', '-n', 'team-a', '--', 'sh'] },
  { name: 'exec ls', kubectl: ['exec', 'shell-target', '-n', 'team-a', '--', 'ls'] },
  { name: 'exec a shell in an exempt namespace', kubectl: ['exec', 'shell-target', '-n', 'ops', '--', '/bin/bash'] },
];

const POD = (ns: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: shell-target, namespace: ${ns}}\nspec:\n  containers: [{name: app, image: busybox, command: [sleep, infinity], stdin: true}]\n`;

/** The API server's prefix on a policy's warning; the text after it is the policy's message. */
const VAP_WARNING_PREFIX = /^Validation failed for ValidatingAdmissionPolicy '[^']+' with binding '[^']+': /;

interface Outcome {
  step: string;
  result: 'allowed' | 'denied' | 'failed after admission';
  warnings: string[];
}

let cluster: ClusterUnderTest;
const tokens = new Map<string, string>();

beforeAll(async () => {
  cluster = await startClusterUnderTest({ values: [join(E2E_FIXTURES, 'values-vap-parity.yaml')], namespaces: NAMESPACES });
  const { kubectl } = cluster.plane;
  for (const sa of ['deployer', 'builder']) {
    await kubectl.ok(['create', 'serviceaccount', sa, '-n', 'ci']);
    await kubectl.ok(['create', 'clusterrolebinding', `ci-${sa}`, '--clusterrole=cluster-admin', `--serviceaccount=ci:${sa}`]);
  }
  for (const ns of ['team-a', 'ops']) await kubectl.apply(POD(ns));
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
});

async function run(step: Step): Promise<Outcome> {
  let token: string | undefined;
  if (step.serviceAccount) {
    token = tokens.get(step.serviceAccount) ?? (await serviceAccountToken(cluster, step.serviceAccount));
    tokens.set(step.serviceAccount, token);
  }
  const r = await cluster.plane.kubectl.run(step.kubectl, { ...(step.as ? { context: `as-${step.as}` } : {}), ...(token ? { token } : {}), ...(step.stdin ? { stdin: step.stdin } : {}) });
  const denied = /denied the request|denied request/.test(r.stderr);
  const result = r.code === 0 ? 'allowed' : denied ? 'denied' : 'failed after admission';
  return { step: step.name, result, warnings: warningsOf(r.stderr).map((w) => w.replace(VAP_WARNING_PREFIX, '')) };
}

async function runTable(): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const step of STEPS) outcomes.push(await run(step));
  return outcomes;
}

async function deleteObjects(): Promise<void> {
  for (const ns of OBJECT_NAMESPACES) await cluster.plane.kubectl.ok(['delete', 'services,daemonsets', '--all', '-n', ns, '--wait=false']);
}

/** After the configuration is deleted, the API server stops calling (the stopped) riskgate once its informer catches up. */
async function waitUntilWebhookGone(): Promise<void> {
  let n = 0;
  await waitFor('the API server to stop calling riskgate', 30_000, async () => {
    const probe = await cluster.plane.kubectl.run(['create', 'service', 'nodeport', `probe-${n++}`, '--tcp=80:80', '-n', 'team-a', '--dry-run=server']);
    return probe.code === 0;
  });
}

/** Policies and bindings are picked up by an informer too: wait until both a deny and a warn policy act. */
async function waitUntilPoliciesAct(): Promise<void> {
  let n = 0;
  await waitFor('the ValidatingAdmissionPolicies to act', 30_000, async () => {
    const denied = await cluster.plane.kubectl.run(['create', 'service', 'nodeport', `probe-vap-${n++}`, '--tcp=80:80', '-n', 'team-a', '--dry-run=server']);
    const warned = await cluster.plane.kubectl.run(['apply', '-f', '-', '--dry-run=server'], { stdin: daemonSet('team-a') });
    return denied.stderr.includes('ValidatingAdmissionPolicy') && warningsOf(warned.stderr).some((w) => VAP_WARNING_PREFIX.test(w));
  });
}

let webhookOutcomes: Outcome[];
let vapOutcomes: Outcome[];
let policies: Array<{ metadata: { name: string }; status?: { typeChecking?: { expressionWarnings?: unknown[] } } }>;

test('the table through riskgate\'s webhook', async () => {
  webhookOutcomes = await runTable();
  const results = webhookOutcomes.map((o) => o.result);
  // Not vacuous: the table denies, admits and warns.
  expect(results).toContain('denied');
  expect(results).toContain('allowed');
  expect(webhookOutcomes.flatMap((o) => o.warnings).length).toBeGreaterThanOrEqual(3);
});

test('riskgate down: the Fail entry refuses only where a rule denies (namespaceActions in its CEL), a namespace where it warns passes', async () => {
  await cluster.riskgate.stop();
  const create = (ns: string) => cluster.plane.kubectl.run(['create', 'service', 'nodeport', `down-${ns}`, '--tcp=80:80', '-n', ns, '--dry-run=server']);
  const refused = await create('team-a');
  expect(refused.stderr).toContain('failed calling webhook "enforce.riskgate.io"');
  // dev-* only warns: the enforce entry's CEL leaves it out, the observe entry fails open.
  expect((await create('dev-1')).code).toBe(0);
});

test('the same table with only the generated ValidatingAdmissionPolicies: the same allow/deny and the same warnings', async () => {
  await cluster.plane.kubectl.ok(['delete', 'validatingwebhookconfiguration', String(cluster.chart.webhookConfiguration.metadata.name)]);
  await waitUntilWebhookGone();
  await deleteObjects();
  const manifest = execFileSync(process.execPath, [CLI, 'vap', '--policy', cluster.riskgate.policyFile, '--exclude-namespace', 'kube-system', '--exclude-namespace', 'riskgate'], { encoding: 'utf8' });
  writeFileSync(join(cluster.plane.dir, 'vaps.yaml'), manifest);
  // The API server compiles every expression when the objects are created: a CEL error would refuse them here.
  await cluster.plane.kubectl.apply(manifest);
  await waitUntilPoliciesAct();
  vapOutcomes = await runTable();
  expect(vapOutcomes).toEqual(webhookOutcomes);
});

test('every policy type-checks on the server: no typeChecking warnings in its status', async () => {
  policies = (JSON.parse(await cluster.plane.kubectl.ok(['get', 'validatingadmissionpolicies', '-o', 'json'])) as { items: typeof policies }).items;
  expect(policies.map((p) => p.metadata.name).sort()).toEqual([
    'riskgate-kubernetes-daemonset-deployed-deny',
    'riskgate-kubernetes-daemonset-deployed-warn',
    'riskgate-kubernetes-daemonset-template-update-deny',
    'riskgate-kubernetes-load-balancer-node-ports-warn',
    'riskgate-kubernetes-node-port-creation-deny',
    'riskgate-kubernetes-node-port-creation-warn',
    'riskgate-kubernetes-node-port-update-deny',
    'riskgate-kubernetes-shell-exec-into-pod-deny',
  ]);
  for (const p of policies) expect([p.metadata.name, p.status?.typeChecking?.expressionWarnings ?? []]).toEqual([p.metadata.name, []]);
});
