// e2e: an exemption block ends during the run and the decision flips without a restart, both where riskgate's webhook judges
// (a warn rule) and where `serve --vap` put a deny rule into a ValidatingAdmissionPolicy (re-applied at the block's end).
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createNamespaces } from './harness/cluster-under-test.js';
import { startControlPlane, type ControlPlane } from './harness/control-plane.js';
import { warningsOf } from './harness/kubectl-case.js';
import { makeWebhookPki, startRiskgate, type Riskgate } from './harness/riskgate-process.js';
import { serviceAccountKubeconfig } from './harness/service-account-kubeconfig.js';
import { waitFor } from './harness/wait-for.js';
import { registerWebhook, renderChart } from './harness/webhook-registration.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

const POLICY_NAME = 'riskgate-kubernetes-node-port-creation-deny';
let plane: ControlPlane;
let riskgate: Riskgate;
let end: Date;

const daemonSet = (name: string, ns: string) =>
  `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec: {containers: [{name: a, image: busybox}]}\n`;

function values(ends: Date): string {
  const window = [{ namespaces: ['team-b'], expires: ends.toISOString(), reason: 'e2e window' }];
  return stringify({
    vap: { enabled: true },
    policy: { rules: { 'kubernetes-node-port-creation': { action: 'deny', exemptions: window }, 'kubernetes-daemonset-deployed': { action: 'warn', exemptions: window } } },
  });
}

async function nodePort(name: string, ns: string, dryRun = false) {
  return plane.kubectl.run(['create', 'service', 'nodeport', name, '--tcp=80:80', '-n', ns, ...(dryRun ? ['--dry-run=server'] : [])]);
}

async function policyObject(): Promise<Obj> {
  return JSON.parse(await plane.kubectl.ok(['get', 'validatingadmissionpolicy', POLICY_NAME, '-o', 'json'])) as Obj;
}

beforeAll(async () => {
  plane = await startControlPlane();
  await plane.kubectl.ok(['create', 'namespace', 'riskgate']);
  await createNamespaces(plane, ['team-a', 'team-b']);
  // Far enough ahead for the start below; the tests then wait for it.
  end = new Date(Date.now() + 30_000);
  const valuesFile = join(plane.dir, 'values-expiry.yaml');
  writeFileSync(valuesFile, values(end));
  const chart = renderChart({ dir: plane.dir, values: [valuesFile] });
  // The chart's ServiceAccount and RBAC for real: riskgate writes the policies with the chart's own permissions.
  await plane.kubectl.ok(['apply', '-f', join(plane.dir, 'chart-render.yaml')]);
  const kubeconfig = await serviceAccountKubeconfig(plane, 'riskgate', 'riskgate');
  const pki = makeWebhookPki(plane.dir);
  riskgate = await startRiskgate({ name: 'riskgate-0', dir: plane.dir, pki, policy: chart.policy, args: ['--vap', '--webhook-config', 'riskgate'], env: { KUBECONFIG: kubeconfig } });
  await registerWebhook(plane.kubectl, chart.webhookConfiguration, riskgate.url, pki.caBundle);
  let n = 0;
  await waitFor('the policy and the webhook to act', 30_000, async () => {
    const denied = await nodePort(`probe-${n}`, 'team-a', true);
    const warned = await plane.kubectl.run(['apply', '-f', '-', '--dry-run=server'], { stdin: daemonSet(`probe-${n++}`, 'team-a') });
    return denied.stderr.includes(`ValidatingAdmissionPolicy '${POLICY_NAME}'`) && warningsOf(warned.stderr).length > 0;
  });
}, 120_000);
afterAll(async () => {
  await riskgate?.stop();
  await plane?.stop();
});

test('before the end: team-b is exempt from both rules; the policy is owned by the webhook configuration and names the end', async () => {
  expect(Date.now()).toBeLessThan(end.getTime());
  expect((await nodePort('np-before', 'team-b')).code).toBe(0);
  const warned = await plane.kubectl.run(['apply', '-f', '-'], { stdin: daemonSet('ds-before', 'team-b') });
  expect({ code: warned.code, warnings: warningsOf(warned.stderr) }).toEqual({ code: 0, warnings: [] });
  const denied = await nodePort('np-a', 'team-a');
  expect(denied.stderr).toContain(`ValidatingAdmissionPolicy '${POLICY_NAME}' with binding '${POLICY_NAME}' denied request: riskgate denied this request: rule kubernetes-node-port-creation`);
  const policy = await policyObject();
  expect(policy.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'ValidatingWebhookConfiguration', name: 'riskgate' })]);
  expect(policy.metadata.annotations['riskgate.io/regenerate-before']).toBe(end.toISOString().replace('.000Z', 'Z'));
  expect(policy.spec.matchConstraints.namespaceSelector.matchExpressions[0].values).toEqual(expect.arrayContaining(['kube-system', 'riskgate']));
});

test('at the end both flip with no restart: the webhook warns at once, serve re-applies the policy without the block', async () => {
  await new Promise((r) => setTimeout(r, Math.max(0, end.getTime() - Date.now() + 50)));
  const warned = await plane.kubectl.run(['apply', '-f', '-'], { stdin: daemonSet('ds-after', 'team-b') });
  expect(warningsOf(warned.stderr)).toEqual(['riskgate kubernetes-daemonset-deployed: DaemonSet team-b/ds-after is created']);
  let n = 0;
  await waitFor('the re-applied policy to deny in team-b', 20_000, async () => (await nodePort(`np-after-${n++}`, 'team-b', true)).stderr.includes(`ValidatingAdmissionPolicy '${POLICY_NAME}'`));
  expect((await nodePort('np-after', 'team-b')).code).not.toBe(0);
  expect((await policyObject()).metadata.annotations?.['riskgate.io/regenerate-before']).toBeUndefined();
  const applied = riskgate.logLines().filter((l) => l['msg'] === 'ValidatingAdmissionPolicies applied');
  expect(applied.map((l) => String(l['reason']))).toEqual(['start-up', `an exemption block ended ${end.toISOString().replace('.000Z', 'Z')}`]);
  expect(riskgate.logLines().filter((l) => l['msg'] === 'policy reloaded')).toEqual([]);
  expect(riskgate.process.failure()).toBeUndefined();
});
