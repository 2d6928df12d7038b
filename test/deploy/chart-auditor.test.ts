// The chart's auditor options as helm renders them: one view over every replica (the Service named to serve, EndpointSlices list in its namespace only), or each pod alone.
import { CHART, ensureHelm, helmTemplate, helmTemplateResult, objectsOf, type K8sObject } from './helm.js';

beforeAll(() => ensureHelm(), 300_000);

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

function render(set: string[], release = 'riskgate', namespace = 'riskgate'): K8sObject[] {
  return objectsOf(helmTemplate({ set, release, namespace }));
}

function args(objects: K8sObject[]): string[] {
  return (objects.find((o) => o.kind === 'Deployment') as Obj).spec.template.spec.containers[0].args;
}

function peerRbac(objects: K8sObject[]): Obj[] {
  return objects.filter((o) => (o.kind === 'Role' || o.kind === 'RoleBinding') && o.metadata.name.endsWith('-auditor-peers')) as Obj[];
}

test('auditor.enabled: serve is told its own Service and the peer deadline, and may list EndpointSlices in its namespace only', () => {
  const objects = render(['auditor.enabled=true'], 'gate', 'security');
  expect(args(objects)).toEqual(expect.arrayContaining(['--auditor-port=8444', '--auditor-peers-service=security/gate-riskgate', '--auditor-peer-timeout=3']));
  const service = objects.find((o) => o.kind === 'Service' && (o as Obj).spec.ports.some((p: Obj) => p.name === 'auditor'));
  expect(service?.metadata.name).toBe('gate-riskgate');
  const [role, binding] = peerRbac(objects);
  expect(role!.metadata.namespace).toBe('security');
  expect(role!.rules).toEqual([{ apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list'] }]);
  expect(binding!.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role!.metadata.name });
  expect(binding!.subjects).toEqual([{ kind: 'ServiceAccount', name: 'gate-riskgate', namespace: 'security' }]);
  // No cluster-wide grant for it.
  const clusterRules = objects.filter((o) => o.kind === 'ClusterRole').flatMap((o) => (o as Obj).rules as Obj[]);
  expect(clusterRules.filter((r) => r.resources.includes('endpointslices'))).toEqual([]);
});

test('auditor.peerTimeoutSeconds reaches serve; out of range is refused by the schema', () => {
  expect(args(render(['auditor.enabled=true', 'auditor.peerTimeoutSeconds=5']))).toContain('--auditor-peer-timeout=5');
  const refused = helmTemplateResult({ set: ['auditor.enabled=true', 'auditor.peerTimeoutSeconds=0'] });
  expect(refused.status).not.toBe(0);
  expect(refused.stderr).toContain('peerTimeoutSeconds');
});

test('auditor.audiences: one --auditor-audience each; none by default; a blank one is refused by the schema', () => {
  expect(args(render(['auditor.enabled=true', 'auditor.audiences={riskgate-auditor,https://riskgate.example.com}'])).filter((a) => a.startsWith('--auditor-audience'))).toEqual([
    '--auditor-audience=riskgate-auditor',
    '--auditor-audience=https://riskgate.example.com',
  ]);
  expect(args(render(['auditor.enabled=true'])).filter((a) => a.startsWith('--auditor-audience'))).toEqual([]);
  const refused = helmTemplateResult({ set: ['auditor.enabled=true', 'auditor.audiences={a b}'] });
  expect(refused.status).not.toBe(0);
  expect(refused.stderr).toContain("at '/auditor/audiences/0'");
});

test('auditor.fleetView=false: each pod shows its own events, no EndpointSlice access', () => {
  const objects = render(['auditor.enabled=true', 'auditor.fleetView=false']);
  expect(args(objects).filter((a) => a.startsWith('--auditor-peer'))).toEqual([]);
  expect(peerRbac(objects)).toEqual([]);
});

test('the auditor off (the default): neither the flags nor the Role', () => {
  const objects = render([]);
  expect(args(objects).filter((a) => a.startsWith('--auditor'))).toEqual([]);
  expect(peerRbac(objects)).toEqual([]);
  expect(CHART).toMatch(/charts\/riskgate$/);
});
