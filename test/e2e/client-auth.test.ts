// e2e: the chart's clientAuth (serve --client-ca/--client-cn/--health-port as the pod runs them) behind the real API server, which presents its client certificate through --admission-control-config-file: its calls pass, a forged review from any other client is refused in TLS and counted.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capturedReview } from '../fixture-path.js';
import { startControlPlane, type ControlPlane } from './harness/control-plane.js';
import { waitForWebhookCalls } from './harness/cluster-under-test.js';
import { freePort } from './harness/free-port.js';
import { httpsGet } from './harness/https-get.js';
import { issue, makeCa, type CertificateAuthority, type IssuedCertificate } from './harness/pki.js';
import { E2E_FIXTURES } from './harness/repo.js';
import { makeWebhookPki, startRiskgate, sumOf, type Riskgate, type WebhookPki } from './harness/riskgate-process.js';
import { registerWebhook, renderChart } from './harness/webhook-registration.js';
import { find } from '../deploy/helm.js';
import { containerArgs, localArgs } from './harness/pod-args.js';
import { waitFor } from './harness/wait-for.js';

let dir: string;
let plane: ControlPlane;
let riskgate: Riskgate;
let pki: WebhookPki;
let clientCa: CertificateAuthority;
let healthPort: number;
let probe: { path: string; port: string; scheme: string };
const forgers: Record<string, IssuedCertificate | undefined> = {};

/**
 * The API server's admission configuration: the webhook plugins read a kubeconfig whose user named after the webhook's
 * host:port holds the client certificate the API server presents to it (the Kubernetes docs' "Authenticate apiservers").
 */
function admissionConfiguration(port: number, client: IssuedCertificate): string {
  const kubeconfig = join(dir, 'webhook-client.kubeconfig');
  writeFileSync(kubeconfig, [
    'apiVersion: v1', 'kind: Config', 'users:', `  - name: "127.0.0.1:${port}"`, '    user:',
    `      client-certificate: ${client.cert}`, `      client-key: ${client.key}`, '',
  ].join('\n'));
  const file = join(dir, 'admission-configuration.yaml');
  const plugin = (name: string) => [
    `  - name: ${name}`, '    configuration:', '      apiVersion: apiserver.config.k8s.io/v1', '      kind: WebhookAdmissionConfiguration',
    `      kubeConfigFile: ${kubeconfig}`,
  ];
  writeFileSync(file, ['apiVersion: apiserver.config.k8s.io/v1', 'kind: AdmissionConfiguration', 'plugins:', ...plugin('ValidatingAdmissionWebhook'), ...plugin('MutatingAdmissionWebhook'), ''].join('\n'));
  return file;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'riskgate-e2e-client-auth-'));
  clientCa = makeCa(dir, 'apiserver-client-ca');
  const apiserverClient = issue(dir, clientCa, 'apiserver-client', { cn: 'kube-apiserver', usage: 'client' });
  forgers['a certificate from the same CA with another name'] = issue(dir, clientCa, 'pod-client', { cn: 'system:serviceaccount:default:default', usage: 'client' });
  const otherCa = makeCa(dir, 'other-ca');
  forgers['a certificate another CA signed, named kube-apiserver'] = issue(dir, otherCa, 'forged-apiserver', { cn: 'kube-apiserver', usage: 'client' });
  forgers['no client certificate'] = undefined;
  const port = await freePort();
  plane = await startControlPlane({ extraArgs: [`--admission-control-config-file=${admissionConfiguration(port, apiserverClient)}`] });
  await plane.kubectl.ok(['create', 'namespace', 'team-a']);
  pki = makeWebhookPki(dir);
  const chart = renderChart({
    dir,
    values: [join(E2E_FIXTURES, 'values-staged.yaml')],
    set: ['clientAuth.enabled=true', 'clientAuth.caConfigMap.name=apiserver-client-ca'],
  });
  // The pod's own client-auth flags, the ConfigMap's mount path standing for the CA file it would hold.
  healthPort = await freePort();
  const podArgs = containerArgs(chart.objects);
  const callerArgs = localArgs(podArgs.filter((a) => /^--(client-ca|client-cn|health-port)=/.test(a)), { '--client-ca': clientCa.cert, '--health-port': String(healthPort) });
  expect(podArgs).toEqual(expect.arrayContaining(['--client-ca=/etc/riskgate/client-ca/ca.crt', '--client-cn=kube-apiserver', '--health-port=8081']));
  probe = (find(chart.objects, 'Deployment') as unknown as { spec: { template: { spec: { containers: Array<{ readinessProbe: { httpGet: { path: string; port: string; scheme: string } } }> } } } }).spec.template.spec.containers[0]!.readinessProbe.httpGet;
  riskgate = await startRiskgate({ name: 'riskgate-mtls', dir, pki, port, policy: chart.policy, clientCert: apiserverClient, args: callerArgs });
  await registerWebhook(plane.kubectl, chart.webhookConfiguration, riskgate.url, pki.caBundle);
  await waitForWebhookCalls(plane, riskgate);
});
afterAll(async () => {
  await riskgate?.stop();
  await plane?.stop();
  if (dir && !process.env['RISKGATE_E2E_KEEP']) rmSync(dir, { recursive: true, force: true });
});

const refused = async (reason: string) => sumOf(await riskgate.metrics(), `riskgate_admission_connections_refused_total{reason="${reason}"}`);

test("the API server's calls pass: a NodePort create is denied by riskgate, a ClusterIP one admitted", async () => {
  const denied = await plane.kubectl.run(['create', 'service', 'nodeport', 'np-1', '--tcp=80:80', '-n', 'team-a']);
  expect(denied.code).not.toBe(0);
  expect(denied.stderr).toMatch(/admission webhook "enforce\.riskgate\.io" denied the request/);
  await plane.kubectl.ok(['create', 'service', 'clusterip', 'cip-1', '--tcp=80:80', '-n', 'team-a']);
  for (const reason of ['no_certificate', 'untrusted_certificate', 'name_not_allowed']) expect(await refused(reason)).toBe(0);
});

test.each([
  ['no client certificate', 'no_certificate'],
  ['a certificate another CA signed, named kube-apiserver', 'untrusted_certificate'],
  ['a certificate from the same CA with another name', 'name_not_allowed'],
])('a forged review (pods/exec by alice) from a client with %s is refused in TLS, counted, and makes no risk event', async (who, reason) => {
  const reviewsBefore = await riskgate.reviewCount();
  const before = await refused(reason);
  const forged = JSON.stringify(capturedReview('011'));
  const clientCert = forgers[who];
  const answer = httpsGet(`${riskgate.url}/validate`, pki.ca.cert, { method: 'POST', body: forged, ...(clientCert ? { clientCert } : {}) });
  await expect(answer).rejects.toThrow(/ECONNRESET|socket hang up|certificate|alert/i);
  expect(await refused(reason)).toBe(before + 1);
  expect(await riskgate.reviewCount()).toBe(reviewsBefore);
  // One WARN line per 10 s at most (the log is flushed every second or so).
  await waitFor('the refusal in riskgate\'s log', 5_000, async () => riskgate.logLines().some((l) => l['msg'] === 'admission caller refused'));
});

test("the chart's readiness probe (the kubelet has no client certificate) gets its answer over plain HTTP on the health port", async () => {
  expect(probe).toEqual({ path: '/readyz', port: 'health', scheme: 'HTTP' });
  const answer = await fetch(`http://127.0.0.1:${healthPort}${probe.path}`);
  expect(answer.status).toBe(200);
});

test('the API server still gets its review answered after the forgeries', async () => {
  const denied = await plane.kubectl.run(['create', 'service', 'nodeport', 'np-2', '--tcp=80:80', '-n', 'team-a']);
  expect(denied.stderr).toMatch(/denied the request/);
});
