// e2e: the chart applied for real; riskgate runs with the pod's own args and ServiceAccount token, called through the chart's service reference and ClusterIP.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpsGet } from './harness/https-get.js';
import { startControlPlane, type ControlPlane } from './harness/control-plane.js';
import { createNamespaces } from './harness/cluster-under-test.js';
import { renderChart, type ChartRender } from './harness/webhook-registration.js';
import { freePort } from './harness/free-port.js';
import { containerArgs, localArgs } from './harness/pod-args.js';
import { serviceAccountKubeconfig } from './harness/service-account-kubeconfig.js';
import { startRiskgate, type Riskgate } from './harness/riskgate-process.js';
import { KubeConfig } from '@kubernetes/client-node';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { waitFor } from './harness/wait-for.js';
import { KubernetesAuthenticator } from '../../src/auditor/kubernetes-authenticator.js';

let plane: ControlPlane;
let chart: ChartRender;
let riskgate: Riskgate;
let kubeconfig: string;
let port: number;
let clusterIp: string;
let auditorPort: number;
const SA = 'system:serviceaccount:riskgate:riskgate';

async function startPodLike(name: string, extra: string[] = []): Promise<Riskgate> {
  const args = localArgs(containerArgs(chart.objects), {
    '--host': '(set by the harness)',
    '--port': '(set by the harness)',
    '--policy': '(set by the harness)',
    '--data-dir': '(set by the harness)',
    '--certs-dir': join(plane.dir, name, 'certs'),
    '--metrics-port': '(set by the harness)',
    '--auditor-port': String(auditorPort),
  }).filter((a) => !a.includes('(set by the harness)'));
  return startRiskgate({ name, dir: plane.dir, policy: chart.policy, host: clusterIp, port, args: [...args, ...extra], env: { KUBECONFIG: kubeconfig } });
}

beforeAll(async () => {
  port = await freePort();
  auditorPort = await freePort();
  plane = await startControlPlane();
  await plane.kubectl.ok(['create', 'namespace', 'riskgate']);
  await createNamespaces(plane, ['team-a']);
  chart = renderChart({ dir: plane.dir, set: [`service.port=${port}`, 'policy.rules.kubernetes-node-port-creation.action=deny', 'auditor.enabled=true'] });
  await plane.kubectl.ok(['apply', '-f', join(plane.dir, 'chart-render.yaml')]);
  kubeconfig = await serviceAccountKubeconfig(plane, 'riskgate', 'riskgate');
  // The API server dials the Service's ClusterIP (a loopback address here, see control-plane.ts) at service.port.
  clusterIp = (await plane.kubectl.ok(['get', 'service', 'riskgate', '-n', 'riskgate', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
  expect(clusterIp).toMatch(/^127\.\d+\.\d+\.\d+$/);
  riskgate = await startPodLike('pod-0');
});
afterAll(async () => {
  await riskgate?.stop();
  await plane?.stop();
});

function caBundles(config: string): string[] {
  const parsed = JSON.parse(config) as { webhooks: { clientConfig: { caBundle?: string } }[] };
  return parsed.webhooks.map((w) => Buffer.from(w.clientConfig.caBundle ?? '', 'base64').toString('utf8'));
}

test('--manage-certs with the ServiceAccount token creates the TLS Secret and patches both entries caBundle', async () => {
  const secret = JSON.parse(await plane.kubectl.ok(['get', 'secret', 'riskgate-tls', '-n', 'riskgate', '-o', 'json'])) as { type: string; data: Record<string, string> };
  expect(secret.type).toBe('kubernetes.io/tls');
  const ca = Buffer.from(secret.data['ca.crt'] ?? '', 'base64').toString('utf8');
  expect(ca).toContain('BEGIN CERTIFICATE');
  const bundles = caBundles(await plane.kubectl.ok(['get', 'validatingwebhookconfiguration', 'riskgate', '-o', 'json']));
  expect(bundles).toHaveLength(2);
  for (const bundle of bundles) expect(bundle).toContain(ca.trim());
});

test("the API server calls riskgate through the chart's service reference: NodePort denied, ClusterIP admitted", async () => {
  const denied = await plane.kubectl.run(['create', 'service', 'nodeport', 'np-1', '--tcp=80:8080', '-n', 'team-a']);
  expect(denied.code).toBe(1);
  expect(denied.stderr).toContain('admission webhook "enforce.riskgate.io" denied the request: riskgate denied this request: rule kubernetes-node-port-creation');
  const admitted = await plane.kubectl.run(['create', 'service', 'clusterip', 'cip-1', '--tcp=80:8080', '-n', 'team-a']);
  expect(admitted).toMatchObject({ code: 0 });
});

const ALLOWED: string[][] = [
  ['get', 'secret/riskgate-tls', '-n', 'riskgate'],
  ['update', 'secret/riskgate-tls', '-n', 'riskgate'],
  ['create', 'secrets', '-n', 'riskgate'],
  ['get', 'validatingwebhookconfigurations/riskgate'],
  ['patch', 'validatingwebhookconfigurations/riskgate'],
  ['create', 'tokenreviews.authentication.k8s.io'],
  ['create', 'subjectaccessreviews.authorization.k8s.io'],
  // The cluster audit (audit.interval, on by default): it lists what the rules check and keeps its Lease.
  ['list', 'services', '-A'],
  ['update', 'leases.coordination.k8s.io/riskgate-audit', '-n', 'riskgate'],
  // --watch-namespaces: Namespace labels for namespaceLabels exemptions.
  ['list', 'namespaces'],
  ['watch', 'namespaces'],
];
const REFUSED: string[][] = [
  ['list', 'secrets', '-n', 'riskgate'],
  ['get', 'secret/other', '-n', 'riskgate'],
  ['get', 'secrets', '-n', 'kube-system'],
  ['create', 'secrets', '-n', 'team-a'],
  ['patch', 'validatingwebhookconfigurations/other'],
  ['delete', 'validatingwebhookconfigurations/riskgate'],
  ['create', 'pods', '-n', 'riskgate'],
  ['get', 'services', '-n', 'team-a'],
  ['create', 'events', '-n', 'team-a'],
  ['update', 'namespaces/team-a'],
  ['patch', 'namespaces/team-a'],
];

test('RBAC grants the ServiceAccount exactly what riskgate uses (kubectl auth can-i --as)', async () => {
  const answers = async (checks: string[][]) =>
    Promise.all(checks.map(async (c) => `${c.join(' ')}: ${(await plane.kubectl.run(['auth', 'can-i', ...c, `--as=${SA}`])).stdout.trim()}`));
  expect(await answers(ALLOWED)).toEqual(ALLOWED.map((c) => `${c.join(' ')}: yes`));
  expect(await answers(REFUSED)).toEqual(REFUSED.map((c) => `${c.join(' ')}: no`));
});

const AUDITOR_ROLE = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: riskgate-auditor}
rules:
- apiGroups: ["riskgate.io"]
  resources: ["riskevents"]
  verbs: ["list"]
`;

test('the auditor API checks real tokens with TokenReview and SubjectAccessReview: 200, 403, 401', async () => {
  const { kubectl } = plane;
  await kubectl.apply(AUDITOR_ROLE);
  for (const sa of ['auditor', 'outsider']) await kubectl.ok(['create', 'serviceaccount', sa, '-n', 'team-a']);
  await kubectl.ok(['create', 'clusterrolebinding', 'team-a-auditor', '--clusterrole=riskgate-auditor', '--serviceaccount=team-a:auditor']);
  const caFile = join(plane.dir, 'riskgate-ca.crt');
  writeFileSync(caFile, Buffer.from((await kubectl.ok(['get', 'secret', 'riskgate-tls', '-n', 'riskgate', '-o', 'jsonpath={.data.ca\\.crt}'])).trim(), 'base64'));
  const url = `https://riskgate.riskgate.svc:${auditorPort}/api/events?rule=kubernetes-node-port-creation`;
  const get = async (token: string) => httpsGet(url, caFile, { token, lookup: clusterIp });
  const allowed = await get((await kubectl.ok(['create', 'token', 'auditor', '-n', 'team-a'])).trim());
  expect(allowed.status).toBe(200);
  const body = JSON.parse(allowed.body) as { events: { rule_id: string; fields: { name: string } }[] };
  expect(body.events.map((e) => `${e.rule_id} ${e.fields.name}`)).toContain('kubernetes-node-port-creation np-1');
  expect((await get((await kubectl.ok(['create', 'token', 'outsider', '-n', 'team-a'])).trim())).status).toBe(403);
  expect((await get('not-a-token')).status).toBe(401);
});

test('--check-webhook-config: the chart-applied configuration carries the policy; a rule turned deny in the policy file alone is named at warn, and the line goes when the policy is put back', async () => {
  const lines = () => riskgate.logLines();
  await waitFor('the start-up check', 10_000, async () => lines().some((l) => l['msg'] === 'the webhook configuration sends every rule to the entry its action needs'));
  const changed = parseYaml(chart.policy) as { rules: Record<string, unknown> };
  changed.rules['kubernetes-daemonset-deployed'] = { action: 'deny' };
  writeFileSync(riskgate.policyFile, stringifyYaml(changed));
  const warned = async () => lines().find((l) => l['rule'] === 'kubernetes-daemonset-deployed' && l['level'] === 'warn');
  await waitFor('the warning', 15_000, async () => (await warned()) !== undefined);
  expect(await warned()).toMatchObject({
    webhookConfig: 'riskgate',
    entry: 'enforce',
    actions: ['deny'],
    problem: 'enforce.riskgate.io does not send CREATE of daemonsets to riskgate',
    reason: 'policy change',
  });
  const before = lines().length;
  writeFileSync(riskgate.policyFile, chart.policy);
  await waitFor('the all-clear', 15_000, async () => lines().slice(before).some((l) => l['msg'] === 'the webhook configuration sends every rule to the entry its action needs'));
});

test('--watch-namespaces: a namespaceLabels exemption follows the real Namespace: labelled by an admin, a NodePort is admitted; unlabelled, denied again', async () => {
  const { kubectl } = plane;
  const lines = () => riskgate.logLines();
  const policy = parseYaml(chart.policy) as { rules: Record<string, Record<string, unknown>> };
  policy.rules['kubernetes-node-port-creation'] = { action: 'deny', exemptions: { namespaceLabels: { 'riskgate.io/node-ports': 'allowed' }, reason: 'edge gateways' } };
  writeFileSync(riskgate.policyFile, stringifyYaml(policy));
  // The watch starts with the first policy that names such an exemption.
  await waitFor('the namespace list', 15_000, async () => lines().some((l) => l['msg'] === 'namespaces listed: namespaceLabels exemptions apply'));
  let n = 0;
  const create = async () => kubectl.run(['create', 'service', 'nodeport', `ns-label-${n++}`, '--tcp=80:8080', '-n', 'team-a', '--dry-run=server']);
  expect((await create()).stderr).toContain('denied the request: riskgate denied this request: rule kubernetes-node-port-creation');
  await kubectl.ok(['label', 'namespace', 'team-a', 'riskgate.io/node-ports=allowed']);
  await waitFor('admission once the label is watched', 10_000, async () => (await create()).code === 0);
  await kubectl.ok(['label', 'namespace', 'team-a', 'riskgate.io/node-ports-']);
  await waitFor('denial once the label is gone', 10_000, async () => (await create()).stderr.includes('riskgate denied this request'));
  writeFileSync(riskgate.policyFile, chart.policy);
});

test('auditor audiences: with --auditor-audience a token made for that audience passes the real TokenReview, the API server default one does not; without it, the reverse', async () => {
  const { kubectl } = plane;
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  const scoped = new KubernetesAuthenticator(config, Date.now, ['riskgate-auditor']);
  const plain = new KubernetesAuthenticator(config);
  const forAuditor = (await kubectl.ok(['create', 'token', 'auditor', '-n', 'team-a', '--audience', 'riskgate-auditor'])).trim();
  const forApiServer = (await kubectl.ok(['create', 'token', 'auditor', '-n', 'team-a'])).trim();
  expect(await scoped.check(forAuditor)).toEqual({ outcome: 'allowed', user: 'system:serviceaccount:team-a:auditor' });
  expect(await scoped.check(forApiServer)).toMatchObject({ outcome: 'unauthenticated' });
  expect(await plain.check(forApiServer)).toEqual({ outcome: 'allowed', user: 'system:serviceaccount:team-a:auditor' });
  expect(await plain.check(forAuditor)).toMatchObject({ outcome: 'unauthenticated' });
});

test('certificate renewal under load: every call through the API server is answered, none fails', async () => {
  await riskgate.stop();
  // The current certificate has just under 365 days left: renewing 364.99993 days before the end renews it now, and
  // each new one about 6 s after it was issued.
  riskgate = await startPodLike('pod-0', ['--cert-renew-before-days', '364.99993', '--cert-check-interval', '0.5']);
  const before = (await plane.kubectl.ok(['get', 'secret', 'riskgate-tls', '-n', 'riskgate', '-o', 'jsonpath={.data.ca\\.crt}'])).trim();
  const outcomes: string[] = [];
  const deadline = Date.now() + 15_000;
  let n = 0;
  // Four kubectl clients at once, for 15 s (two to three renewals).
  const client = async () => {
    while (Date.now() < deadline) {
      const r = await plane.kubectl.run(['create', 'service', 'nodeport', `load-${n++}`, '--tcp=80:8080', '-n', 'team-a', '--dry-run=server']);
      outcomes.push(r.stderr.includes('denied the request: riskgate denied this request') ? 'denied' : `unexpected: ${r.stderr.trim()}`);
    }
  };
  await Promise.all([client(), client(), client(), client()]);
  const after = (await plane.kubectl.ok(['get', 'secret', 'riskgate-tls', '-n', 'riskgate', '-o', 'jsonpath={.data.ca\\.crt}'])).trim();
  expect(after).not.toBe(before);
  expect(outcomes.length).toBeGreaterThan(60);
  expect(outcomes.filter((o) => o !== 'denied')).toEqual([]);
  // Start-up plus at least one renewal while the load ran, each logged.
  expect(riskgate.logLines().filter((l) => l['msg'] === 'managed certificate in place').length).toBeGreaterThanOrEqual(2);
});
