// e2e: manifests/install/ and the chart rendered with each CI values set are applied for real and accepted by the API server.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from './harness/control-plane.js';
import { renderChart } from './harness/webhook-registration.js';
import { CHART, REPO } from './harness/repo.js';

// cert-manager's values need its CRDs (Certificate, Issuer), which only a cert-manager install brings: rendered and
// schema-checked in test/deploy, not applied here.
const NEEDS_CERT_MANAGER = /^cert-manager/;
const valuesSets = readdirSync(join(CHART, 'ci')).filter((f) => f.endsWith('-values.yaml') && !NEEDS_CERT_MANAGER.test(f));

let plane: ControlPlane;
beforeAll(async () => {
  plane = await startControlPlane();
});
afterAll(async () => {
  await plane?.stop();
});

test('kubectl apply -f manifests/install/ creates every object', async () => {
  const out = await plane.kubectl.ok(['apply', '-f', join(REPO, 'manifests', 'install')]);
  for (const created of ['namespace/riskgate created', 'deployment.apps/riskgate created', 'validatingwebhookconfiguration.admissionregistration.k8s.io/riskgate created', 'clusterrole.rbac.authorization.k8s.io/riskgate created']) {
    expect(out).toContain(created);
  }
  const webhooks = await plane.kubectl.ok(['get', 'validatingwebhookconfiguration', 'riskgate', '-o', 'jsonpath={.webhooks[*].name}']);
  expect(webhooks).toBe('observe.riskgate.io');
});

test.each(valuesSets)('the chart with charts/riskgate/ci/%s applies cleanly (its own release and namespace)', async (file) => {
  const release = `rg-${file.replace(/-values\.yaml$/, '')}`;
  const render = renderChart({ dir: plane.dir, release, namespace: release, values: [join(CHART, 'ci', file)] });
  await plane.kubectl.ok(['create', 'namespace', release]);
  const result = await plane.kubectl.run(['apply', '-f', join(plane.dir, `chart-render-${release}.yaml`)]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const deployments = render.objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
  for (const name of deployments) expect(await plane.kubectl.ok(['get', 'deployment', name, '-n', release, '-o', 'name'])).toContain(name);
});

test('every rule in deny: the API server accepts the Fail entry\'s whole matchCondition, and with riskgate absent only what a rule can deny is refused', async () => {
  const release = 'rg-all-deny';
  const render = renderChart({ dir: plane.dir, release, namespace: release, set: ['policy.defaultAction=deny'] });
  const webhooks = render.webhookConfiguration['webhooks'] as { name: string; matchConditions?: { expression: string }[] }[];
  // Every rule's exact CEL but the shell rule's, which is its match alone (24 KB exact: src/cel/rule-cel.ts), so every exec reaches the webhook.
  const expression = webhooks.find((w) => w.name === 'enforce.riskgate.io')?.matchConditions?.[0]?.expression ?? '';
  expect(expression).toContain("request.resource.resource == 'pods'");
  expect(expression).not.toContain('object.command');
  expect(expression.length).toBeGreaterThan(4 * 1024);
  await plane.kubectl.ok(['create', 'namespace', release]);
  const applied = await plane.kubectl.run(['apply', '-f', join(plane.dir, `chart-render-${release}.yaml`)]);
  expect(applied.stderr).toBe('');
  await plane.kubectl.ok(['create', 'namespace', 'apps-x']);
  // Nothing serves the chart's Service (its ClusterIP is a loopback address here): the Fail entry refuses what it receives.
  const refused = await plane.kubectl.run(['create', 'service', 'nodeport', 'np-x', '--tcp=80:8080', '-n', 'apps-x']);
  expect(refused.stderr).toContain('failed calling webhook "enforce.riskgate.io"');
  const passed = await plane.kubectl.run(['create', 'service', 'clusterip', 'cip-x', '--tcp=80:8080', '-n', 'apps-x']);
  expect(passed.code).toBe(0);
});
