// The chart's caller checks as helm renders them: clientAuth (serve --client-ca/--client-cn, probes on the health port) and the control-plane NetworkPolicy.
import { ensureHelm, helmTemplate, helmTemplateResult, objectsOf, type K8sObject } from './helm.js';

beforeAll(() => ensureHelm(), 300_000);

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

function render(set: string[]): K8sObject[] {
  return objectsOf(helmTemplate({ set }));
}

function pod(objects: K8sObject[]): Obj {
  return (objects.find((o) => o.kind === 'Deployment') as Obj).spec.template.spec;
}

const CLIENT_AUTH = ['clientAuth.enabled=true', 'clientAuth.caConfigMap.name=apiserver-client-ca'];

test('clientAuth: serve gets the CA file from the ConfigMap and the accepted names; the probes move to the plain-HTTP health port', () => {
  const spec = pod(render([...CLIENT_AUTH, 'clientAuth.commonNames={kube-apiserver,apiserver-proxy}']));
  const container = spec.containers[0];
  expect(container.args).toEqual(expect.arrayContaining(['--client-ca=/etc/riskgate/client-ca/ca.crt', '--client-cn=kube-apiserver', '--client-cn=apiserver-proxy', '--health-port=8081']));
  expect(container.ports).toContainEqual({ name: 'health', containerPort: 8081, protocol: 'TCP' });
  for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
    expect(container[probe].httpGet).toMatchObject({ port: 'health', scheme: 'HTTP' });
  }
  expect(container.volumeMounts).toContainEqual({ name: 'client-ca', mountPath: '/etc/riskgate/client-ca', readOnly: true });
  expect(spec.volumes).toContainEqual({ name: 'client-ca', configMap: { name: 'apiserver-client-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
});

test('clientAuth off (the default): no caller flags, the probes on the HTTPS port, no NetworkPolicy', () => {
  const objects = render([]);
  const container = pod(objects).containers[0];
  expect(container.args.filter((a: string) => /^--(client-|health-port)/.test(a))).toEqual([]);
  expect(container.readinessProbe.httpGet).toMatchObject({ port: 'https', scheme: 'HTTPS' });
  expect(objects.filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
});

test.each([
  [['clientAuth.enabled=true'], 'clientAuth.enabled needs clientAuth.caConfigMap.name'],
  [[...CLIENT_AUTH, 'clientAuth.healthPort=8443'], 'clientAuth.healthPort must differ from containerPort'],
  [['networkPolicy.enabled=true'], 'networkPolicy.enabled needs networkPolicy.controlPlaneCidrs'],
  [['networkPolicy.enabled=true', 'networkPolicy.controlPlaneCidrs={not-a-cidr}'], 'controlPlaneCidrs'],
])('%j is refused: %s', (set, message) => {
  const refused = helmTemplateResult({ set });
  expect(refused.status).not.toBe(0);
  expect(refused.stderr).toContain(message);
});

test('networkPolicy: only the control plane CIDRs reach the admission port; extraIngress passes through', () => {
  const objects = render(['networkPolicy.enabled=true', 'networkPolicy.controlPlaneCidrs={172.16.0.0/28,10.0.0.2/32}', 'networkPolicy.extraIngress[0].ports[0].port=metrics']);
  const policy = objects.find((o) => o.kind === 'NetworkPolicy') as Obj;
  expect(policy.spec.podSelector.matchLabels).toEqual((objects.find((o) => o.kind === 'Deployment') as Obj).spec.selector.matchLabels);
  expect(policy.spec.policyTypes).toEqual(['Ingress']);
  expect(policy.spec.ingress).toEqual([
    { from: [{ ipBlock: { cidr: '172.16.0.0/28' } }, { ipBlock: { cidr: '10.0.0.2/32' } }], ports: [{ port: 'https', protocol: 'TCP' }] },
    { ports: [{ port: 'metrics' }] },
  ]);
});
