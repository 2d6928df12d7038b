// e2e: `riskgate audit` on the real API server finds the objects created before riskgate was registered, in every output format; refusals are one line, exit 2.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startControlPlane, type ControlPlane } from './harness/control-plane.js';
import { createNamespaces, waitForWebhookCalls } from './harness/cluster-under-test.js';
import { renderChart, registerWebhook, type ChartRender } from './harness/webhook-registration.js';
import { makeWebhookPki, startRiskgate, type Riskgate } from './harness/riskgate-process.js';
import { riskEventsOf } from './harness/risk-event-log.js';
import { serviceAccountKubeconfig } from './harness/service-account-kubeconfig.js';
import { waitFor } from './harness/wait-for.js';
import { CHART, CLI } from './harness/repo.js';
import { parseJunit } from '../check/report-findings.js';

const OBJECTS = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: team-a}
spec: {type: NodePort, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: team-a}
spec: {ports: [{port: 5432}]}
---
apiVersion: v1
kind: Service
metadata: {name: lb, namespace: team-a}
spec: {type: LoadBalancer, ports: [{port: 443}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: team-b}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: a, image: 'busybox:1.36'}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: shipper, namespace: team-b, labels: {riskgate.io/approved: platform}}
spec:
  selector: {matchLabels: {app: shipper}}
  template:
    metadata: {labels: {app: shipper}}
    spec: {containers: [{name: s, image: 'busybox:1.36'}]}
`;

/** What each format must name: namespace/kind/name, rule, action (the policy's, or exempt). */
const FINDINGS = [
  'team-a/Service/lb kubernetes-load-balancer-node-ports record',
  'team-a/Service/web kubernetes-node-port-creation deny',
  'team-b/DaemonSet/agent kubernetes-daemonset-deployed warn',
  'team-b/DaemonSet/shipper kubernetes-daemonset-deployed exempt',
];

let plane: ControlPlane;
let chart: ChartRender;
let riskgate: Riskgate;
let policyFile: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function audit(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'audit', ...args], { env: { ...process.env, KUBECONFIG: '', ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function asAdmin(...args: string[]): Promise<Run> {
  return audit(['--kubeconfig', plane.kubeconfig, '--policy', policyFile, ...args]);
}

beforeAll(async () => {
  plane = await startControlPlane();
  await createNamespaces(plane, ['team-a', 'team-b', 'riskgate']);
  // Created before riskgate is registered: the webhook never saw them.
  await plane.kubectl.apply(OBJECTS);
  chart = renderChart({
    dir: plane.dir,
    set: [
      'policy.rules.kubernetes-node-port-creation.action=deny',
      'policy.rules.kubernetes-daemonset-deployed.action=warn',
      'policy.rules.kubernetes-daemonset-deployed.exemptions.labels.riskgate\\.io/approved=platform',
    ],
  });
  policyFile = join(plane.dir, 'audit-policy.yaml');
  writeFileSync(policyFile, chart.policy);
  const pki = makeWebhookPki(plane.dir);
  riskgate = await startRiskgate({ name: 'riskgate-0', dir: plane.dir, pki, policy: chart.policy });
  await registerWebhook(plane.kubectl, chart.webhookConfiguration, riskgate.url, pki.caBundle);
  await waitForWebhookCalls(plane, riskgate);
});
afterAll(async () => {
  await riskgate?.stop();
  await plane?.stop();
});

test('the webhook, registered after them, never judged the objects already there', () => {
  const named = riskEventsOf(riskgate).map((e) => String(e.fields['name']));
  expect(named.filter((n) => ['web', 'lb', 'agent', 'shipper'].includes(n))).toEqual([]);
});

test('text: one line per finding naming namespace/kind/name and the rule; exit 1 for the would-be denial', async () => {
  const run = await asAdmin();
  expect(run.stderr).toBe('');
  expect(run.code).toBe(1);
  const lines = run.stdout.trim().split('\n');
  expect(lines.slice(0, -1).map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual(FINDINGS);
  expect(lines[1]).toBe('team-a/Service/web kubernetes-node-port-creation deny Service team-a/web is of type NodePort: NodePort Services expose a port on every node of the cluster');
  expect(lines.at(-1)).toBe('riskgate audit: 6 objects in 3 namespaces of admin: 1 denied, 1 warned, 1 recorded, 1 exempted, 2 passed');
});

test('json: the same findings, each object with its live uid', async () => {
  const run = await asAdmin('-o', 'json');
  expect(run.code).toBe(1);
  const report = JSON.parse(run.stdout) as { audit: { cluster: string; server: string }; objects: Array<{ namespace: string; kind: string; name: string; uid: string; path: string; findings: Array<{ rule: string; action: string }> }> };
  expect(report.audit).toMatchObject({ cluster: 'admin', server: plane.url });
  expect(report.objects.flatMap((o) => o.findings.map((f) => `${o.namespace}/${o.kind}/${o.name} ${f.rule} ${f.action}`))).toEqual(FINDINGS);
  const uid = (await plane.kubectl.ok(['get', 'service', 'web', '-n', 'team-a', '-o', 'jsonpath={.metadata.uid}'])).trim();
  expect(report.objects.find((o) => o.name === 'web')).toMatchObject({ uid, path: '/api/v1/namespaces/team-a/services/web' });
});

test('junit: a suite per namespace, the denial a failure, --out writes the file and prints the summary', async () => {
  const out = join(plane.dir, 'audit.xml');
  const run = await asAdmin('-o', 'junit', '--out', out);
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('riskgate audit: 6 objects in 3 namespaces of admin: 1 denied, 1 warned, 1 recorded, 1 exempted, 2 passed\n');
  const { readFileSync } = await import('node:fs');
  const suites = parseJunit(readFileSync(out, 'utf8')).testsuites.testsuite;
  expect(suites.map((s) => s.name)).toEqual(['namespace default', 'namespace team-a', 'namespace team-b']);
  const failures = suites.flatMap((s) => s.testcase.filter((c) => c.failure).map((c) => `${c.name} ${c.failure!.type}`));
  expect(failures).toEqual(['team-a/Service/web kubernetes-node-port-creation deny']);
});

test('sarif: one result per finding at the object, under the API server\'s URL', async () => {
  const run = await asAdmin('-o', 'sarif', '--fail-on', 'warn');
  expect(run.code).toBe(1);
  const sarif = JSON.parse(run.stdout) as { runs: Array<{ originalUriBaseIds: Record<string, { uri: string }>; results: Array<{ ruleId: string; properties: { action: string }; locations: Array<{ logicalLocations: Array<{ fullyQualifiedName: string }> }> }> }> };
  const [sarifRun] = sarif.runs;
  expect(sarifRun!.originalUriBaseIds['KUBERNETES_API_SERVER']!.uri).toBe(`${plane.url}/`);
  expect(sarifRun!.results.map((r) => `${r.locations[0]!.logicalLocations[0]!.fullyQualifiedName} ${r.ruleId} ${r.properties.action}`)).toEqual(FINDINGS);
});

test('policyreport: PolicyReports the API server accepts (the chart\'s CRDs), one per namespace, every object and rule', async () => {
  const run = await asAdmin('-o', 'policyreport');
  expect(run.code).toBe(1);
  const reports = parseAllDocuments(run.stdout).map((d) => d.toJS() as { metadata: { namespace: string }; results: Array<{ rule: string; result: string; resources: Array<{ namespace: string; kind: string; name: string }> }> });
  const results = reports.flatMap((r) => r.results.filter((x) => x.result !== 'pass').map((x) => `${x.resources[0]!.namespace}/${x.resources[0]!.kind}/${x.resources[0]!.name} ${x.rule} ${x.result}`)).sort();
  expect(results).toEqual(['team-a/Service/lb kubernetes-load-balancer-node-ports warn', 'team-a/Service/web kubernetes-node-port-creation fail', 'team-b/DaemonSet/agent kubernetes-daemonset-deployed warn', 'team-b/DaemonSet/shipper kubernetes-daemonset-deployed skip']);
  await plane.kubectl.ok(['apply', '-f', join(CHART, 'crds')]);
  await plane.kubectl.ok(['wait', '--for=condition=Established', 'crd/policyreports.wgpolicyk8s.io', '--timeout=30s']);
  const applied = await plane.kubectl.run(['apply', '-f', '-'], { stdin: run.stdout });
  expect(applied).toMatchObject({ code: 0, stderr: '' });
  expect(await plane.kubectl.ok(['get', 'policyreports', '-n', 'team-a', '--no-headers'])).toMatch(/^riskgate\s+4\s+1\s+1\s+0\s+0\s+/);
});

test('--namespace limits the audit; $KUBECONFIG and --context are read as kubectl reads them', async () => {
  const run = await audit(['--namespace', 'team-b', '--context', 'as-bob', '--policy', policyFile], { KUBECONFIG: plane.kubeconfig });
  expect(run.code).toBe(0);
  expect(run.stdout.trim().split('\n').at(-1)).toBe('riskgate audit: 2 objects in 1 namespace of as-bob: 0 denied, 1 warned, 0 recorded, 1 exempted, 0 passed');
});

test('the chart\'s ServiceAccount can run it: list is all the audit needs', async () => {
  await plane.kubectl.ok(['apply', '-f', join(plane.dir, 'chart-render.yaml')]);
  const kubeconfig = await serviceAccountKubeconfig(plane, 'riskgate', 'riskgate');
  const run = await audit(['--kubeconfig', kubeconfig, '--policy', policyFile, '-o', 'json']);
  expect(run.stderr).toBe('');
  // The six objects, and the chart's own Service that the render just applied.
  const report = JSON.parse(run.stdout) as { summary: { objects: number }; objects: Array<{ namespace: string; name: string }> };
  expect(report.summary.objects).toBe(7);
  expect(report.objects.map((o) => `${o.namespace}/${o.name}`)).toContain('riskgate/riskgate');
});

test('a namespaceLabels exemption: the audit lists the real Namespaces first (the chart\'s ServiceAccount may), and the labelled namespace\'s NodePort is exempt', async () => {
  await plane.kubectl.ok(['apply', '-f', join(plane.dir, 'chart-render.yaml')]);
  await plane.kubectl.ok(['label', 'namespace', 'team-a', 'riskgate.io/node-ports=allowed', '--overwrite']);
  const labelled = join(plane.dir, 'namespace-labels-policy.yaml');
  writeFileSync(labelled, 'rules:\n  kubernetes-node-port-creation:\n    action: deny\n    exemptions: {namespaceLabels: {riskgate.io/node-ports: allowed}}\n');
  const kubeconfig = await serviceAccountKubeconfig(plane, 'riskgate', 'riskgate');
  try {
    const run = await audit(['--kubeconfig', kubeconfig, '--policy', labelled, '-o', 'json']);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as { objects: Array<{ namespace: string; name: string; kind: string; findings: Array<{ rule: string; action: string; exemption?: string }> }> };
    const web = report.objects.find((o) => o.namespace === 'team-a' && o.name === 'web' && o.kind === 'Service');
    expect(web?.findings).toEqual([expect.objectContaining({ rule: 'kubernetes-node-port-creation', action: 'exempt', exemption: 'rule namespaceLabels=riskgate.io/node-ports:allowed' })]);
  } finally {
    await plane.kubectl.ok(['label', 'namespace', 'team-a', 'riskgate.io/node-ports-']);
  }
});

test('refused: missing RBAC, invalid credentials, an unreachable API server: one line naming what was refused, exit 2', async () => {
  await plane.kubectl.ok(['create', 'serviceaccount', 'nobody', '-n', 'team-a']);
  const nobody = await serviceAccountKubeconfig(plane, 'team-a', 'nobody');
  const forbidden = await audit(['--kubeconfig', nobody]);
  expect(forbidden).toEqual({
    code: 2,
    stdout: '',
    stderr: 'riskgate audit: list services in all namespaces: forbidden (403): services is forbidden: User "system:serviceaccount:team-a:nobody" cannot list resource "services" in API group "" at the cluster scope\n',
  });
  await plane.kubectl.ok(['create', 'role', 'list-services', '--verb=list', '--resource=services', '-n', 'team-a']);
  await plane.kubectl.ok(['create', 'rolebinding', 'nobody-services', '--role=list-services', '--serviceaccount=team-a:nobody', '-n', 'team-a']);
  // The authorizer reads RBAC through an informer: wait until the binding is in force.
  const can = async () => (await plane.kubectl.run(['auth', 'can-i', 'list', 'services', '-n', 'team-a', '--as=system:serviceaccount:team-a:nobody'])).stdout.trim() === 'yes';
  await waitFor('the RoleBinding in force', 10_000, can);
  const partly = await audit(['--kubeconfig', nobody, '--namespace', 'team-a']);
  expect(partly.code).toBe(2);
  expect(partly.stderr).toMatch(/^riskgate audit: list daemonsets\.apps in namespace team-a: forbidden \(403\): .*cannot list resource "daemonsets" in API group "apps" in the namespace "team-a"\n$/);

  const write = (name: string, server: string, token: string) => {
    const file = join(plane.dir, name);
    writeFileSync(file, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: '${server}', certificate-authority: '${plane.ca.cert}'}}]\nusers: [{name: u, user: {token: ${token}}}]\ncontexts: [{name: ${name}, context: {cluster: c, user: u}}]\ncurrent-context: ${name}\n`);
    return file;
  };
  const badToken = write('stale', plane.url, 'not-a-valid-token');
  expect(await audit(['--kubeconfig', badToken])).toEqual({
    code: 2,
    stdout: '',
    stderr: `riskgate audit: list services in all namespaces: the API server refused the credentials of context stale (${badToken}) (401 Unauthorized: expired or invalid token or certificate)\n`,
  });
  const down = await audit(['--kubeconfig', write('down', 'https://127.0.0.1:1', 'x')]);
  expect(down).toEqual({ code: 2, stdout: '', stderr: 'riskgate audit: list services in all namespaces: cannot reach the API server https://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1\n' });
  const none = await audit([], { HOME: join(plane.dir, 'no-home') });
  expect(none.stderr).toBe('riskgate audit: no cluster to audit: pass --kubeconfig, set $KUBECONFIG, create ~/.kube/config, or run in a pod with a service account\n');
});
