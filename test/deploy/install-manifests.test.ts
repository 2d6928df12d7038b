// manifests/install (for kubectl users) equals the chart's default render, and holds a namespace that enforces restricted pods.
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

test('the namespace file comes first for `kubectl apply -f manifests/install/`, and every object in it is schema-valid', async () => {
  const namespace = parse(readFileSync(join(INSTALL, 'namespace.yaml'), 'utf8'));
  expect(namespace).toMatchObject({ kind: 'Namespace', metadata: { name: 'riskgate', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
  await validateObject(namespace);
  const objects = objectsOf(readFileSync(join(INSTALL, 'riskgate.yaml'), 'utf8'));
  expect(objects.filter((o) => o.metadata.namespace !== undefined).every((o) => o.metadata.namespace === 'riskgate')).toBe(true);
  for (const object of objects) await validateObject(object);
  expect(readdirSync(INSTALL).sort()).toEqual(['namespace.yaml', 'riskgate.yaml']);
});
