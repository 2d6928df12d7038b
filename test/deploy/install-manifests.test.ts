// manifests/install (for kubectl users) equals the chart's default render plus its CRDs, and holds a namespace that enforces restricted pods.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT, ensureHelm, helmTemplate, objectsOf } from './helm.js';
import { validateObject } from './kubernetes-schemas.js';

const INSTALL = join(ROOT, 'manifests', 'install');

beforeAll(() => ensureHelm(), 300_000);

test('manifests/install/riskgate.yaml is the header plus `helm template riskgate charts/riskgate --namespace riskgate` (regenerate: bash tools/generate-chart.sh)', () => {
  const header = readFileSync(join(ROOT, 'tools', 'install-manifest-header.txt'), 'utf8');
  expect(readFileSync(join(INSTALL, 'riskgate.yaml'), 'utf8')).toBe(header + helmTemplate());
});

test('manifests/install/crds.yaml holds the chart\'s crds/ (the PolicyReport CRDs), applied before the rest by kubectl apply -f manifests/install/', async () => {
  const crdsDir = join(ROOT, 'charts', 'riskgate', 'crds');
  const expected = readdirSync(crdsDir).sort().map((f) => `---\n${readFileSync(join(crdsDir, f), 'utf8')}`).join('');
  const text = readFileSync(join(INSTALL, 'crds.yaml'), 'utf8');
  expect(text).toBe(expected);
  const crds = objectsOf(text);
  expect(crds.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['CustomResourceDefinition clusterpolicyreports.wgpolicyk8s.io', 'CustomResourceDefinition policyreports.wgpolicyk8s.io']);
  for (const crd of crds) await validateObject(crd);
  expect(readdirSync(INSTALL).sort()[0]).toBe('crds.yaml');
});

test('the namespace file comes first after the CRDs for `kubectl apply -f manifests/install/`, and every object in it is schema-valid', async () => {
  const namespace = parse(readFileSync(join(INSTALL, 'namespace.yaml'), 'utf8'));
  expect(namespace).toMatchObject({ kind: 'Namespace', metadata: { name: 'riskgate', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
  await validateObject(namespace);
  const objects = objectsOf(readFileSync(join(INSTALL, 'riskgate.yaml'), 'utf8'));
  expect(objects.filter((o) => o.metadata.namespace !== undefined).every((o) => o.metadata.namespace === 'riskgate')).toBe(true);
  for (const object of objects) await validateObject(object);
  expect(readdirSync(INSTALL).sort()).toEqual(['crds.yaml', 'namespace.yaml', 'riskgate.yaml']);
});
