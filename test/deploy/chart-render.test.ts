// The chart rendered by the real helm for the default values and every ci/ scenario: lint, Kubernetes schemas, security, webhooks.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { RULES } from '../../src/rules/catalog.js';
import { ENFORCE_WEBHOOK, OBSERVE_WEBHOOK } from '../../src/kubernetes/webhook-names.js';
import { CHART, ensureHelm, find, helmLint, helmTemplate, helmTemplateResult, objectsOf } from './helm.js';
import type { K8sObject } from './helm.js';
import { validateObject } from './kubernetes-schemas.js';
import { expectedRules } from './expected-webhooks.js';

const scenarios: Array<[string, string[]]> = [
  ['default values', []],
  ...readdirSync(join(CHART, 'ci'))
    .filter((f) => f.endsWith('-values.yaml'))
    .sort()
    .map((f): [string, string[]] => [`ci/${f}`, [join(CHART, 'ci', f)]]),
];

beforeAll(() => ensureHelm(), 300_000);

/** The options `riskgate serve --help` lists (the built CLI: npm ci builds it). */
const serveHelp = spawnSync(process.execPath, [join(process.cwd(), 'dist', 'cli', 'main.js'), 'serve', '--help'], { encoding: 'utf8' }).stdout;

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

function podSpec(objects: K8sObject[]): Obj {
  return (find(objects, 'Deployment') as Obj).spec.template.spec;
}

function policyOf(objects: K8sObject[]) {
  const text = (find(objects, 'ConfigMap') as Obj).data['policy.yaml'] as string;
  return parsePolicy(text, 'rendered ConfigMap policy.yaml', RULES);
}

describe.each(scenarios)('chart render: %s', (_name, values) => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = objectsOf(helmTemplate({ values }));
  });

  test('helm lint --strict passes', () => {
    const lint = helmLint({ values });
    expect(lint.stderr + lint.stdout).toContain('0 chart(s) failed');
    expect(lint.status).toBe(0);
  });

  test('every rendered object is valid against the Kubernetes API schemas', async () => {
    const kinds = objects.map((o) => o.kind);
    expect(kinds).toEqual(expect.arrayContaining(['ServiceAccount', 'ConfigMap', 'Service', 'Deployment', 'PodDisruptionBudget', 'ValidatingWebhookConfiguration']));
    for (const object of objects) await validateObject(object);
  });

  test('the Deployment: ≥ 2 replicas spread over nodes, non-root, read-only root, no capabilities, resources, HTTPS probes', () => {
    const deployment = find(objects, 'Deployment') as Obj;
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    const pod = podSpec(objects);
    const anti = pod.affinity.podAntiAffinity;
    const term = anti.requiredDuringSchedulingIgnoredDuringExecution?.[0] ?? anti.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
    expect(term.topologyKey).toBe('kubernetes.io/hostname');
    expect(term.labelSelector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.containers).toHaveLength(1);
    const [container] = pod.containers;
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.resources.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
    expect(container.resources.limits.memory).toEqual(expect.any(String));
    const probe = (p: Obj) => [p.httpGet.path, p.httpGet.scheme, p.httpGet.port];
    expect(probe(container.startupProbe)).toEqual(['/healthz', 'HTTPS', 'https']);
    expect(probe(container.livenessProbe)).toEqual(['/healthz', 'HTTPS', 'https']);
    expect(probe(container.readinessProbe)).toEqual(['/readyz', 'HTTPS', 'https']);
    expect(container.ports[0]).toMatchObject({ name: 'https', containerPort: 8443 });
    expect(container.args[0]).toBe('serve');
    expect(container.args).toContain('--policy=/etc/riskgate/policy/policy.yaml');
    const policyMount = container.volumeMounts.find((m: Obj) => m.name === 'policy');
    expect(policyMount.mountPath).toBe('/etc/riskgate/policy');
    const policyVolume = pod.volumes.find((v: Obj) => v.name === 'policy');
    expect(policyVolume.configMap.name).toBe(find(objects, 'ConfigMap').metadata.name);
  });

  test('every flag the Deployment passes is an option of `riskgate serve`', () => {
    const args: string[] = podSpec(objects).containers[0].args;
    const flags = args.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0] as string);
    expect(flags.length).toBeGreaterThan(4);
    for (const flag of flags) expect([flag, serveHelp.includes(`${flag} `) || serveHelp.includes(`${flag}\n`)]).toEqual([flag, true]);
  });

  test('a PodDisruptionBudget and the Services select exactly the Deployment pods; every container port is on a Service', () => {
    const labels = (find(objects, 'Deployment') as Obj).spec.template.metadata.labels;
    const fullname = find(objects, 'Deployment').metadata.name;
    const pdb = find(objects, 'PodDisruptionBudget') as Obj;
    expect(pdb.spec.minAvailable).toBeGreaterThanOrEqual(1);
    expect(pdb.spec.minAvailable).toBeLessThan((find(objects, 'Deployment') as Obj).spec.replicas);
    expect(labels).toEqual(expect.objectContaining(pdb.spec.selector.matchLabels));
    const service = find(objects, 'Service', fullname) as Obj;
    expect(service.spec.ports[0]).toMatchObject({ name: 'https', port: 443, targetPort: 'https' });
    const services = objects.filter((o) => o.kind === 'Service') as Obj[];
    for (const each of services) expect(labels).toEqual(expect.objectContaining(each.spec.selector));
    const containerPorts = (find(objects, 'Deployment') as Obj).spec.template.spec.containers[0].ports.map((p: Obj) => p.name);
    expect(services.flatMap((each) => each.spec.ports.map((p: Obj) => p.targetPort)).sort()).toEqual([...containerPorts].sort());
  });

  test('the ConfigMap holds a policy file that riskgate parses', () => {
    expect(() => policyOf(objects)).not.toThrow();
  });

  test('webhook entries: rules derived from the catalog and the policy, safe failure policies, exclusions, dry-run safety', () => {
    const config = find(objects, 'ValidatingWebhookConfiguration') as Obj;
    const service = find(objects, 'Service', find(objects, 'Deployment').metadata.name) as Obj;
    const policy = policyOf(objects);
    // vap.enabled: serve --vap denies through ValidatingAdmissionPolicies, and the enforce entry leaves those rules out.
    const vap = (podSpec(objects).containers[0].args as string[]).includes('--vap');
    const byName = new Map<string, Obj>(config.webhooks.map((w: Obj) => [w.name, w]));
    for (const [webhook, mode, failurePolicy] of [
      [ENFORCE_WEBHOOK, 'enforce', 'Fail'],
      [OBSERVE_WEBHOOK, 'observe', 'Ignore'],
    ] as const) {
      const rules = expectedRules(RULES, policy, mode, vap);
      const entry = byName.get(webhook.name);
      if (rules.length === 0) {
        expect(entry).toBeUndefined();
        continue;
      }
      expect(entry).toBeDefined();
      expect(entry!.rules).toEqual(rules);
      expect(entry!.failurePolicy).toBe(failurePolicy);
      expect(entry!.clientConfig.service).toEqual({ name: service.metadata.name, namespace: 'riskgate', path: webhook.path, port: service.spec.ports[0].port });
      expect(entry!.sideEffects).toBe('NoneOnDryRun');
      expect(entry!.admissionReviewVersions).toEqual(['v1', 'v1beta1']);
      expect(entry!.matchPolicy).toBe('Equivalent');
      expect(entry!.timeoutSeconds).toBeLessThanOrEqual(5);
      const [selector] = entry!.namespaceSelector.matchExpressions;
      expect(selector).toMatchObject({ key: 'kubernetes.io/metadata.name', operator: 'NotIn' });
      expect(selector.values).toEqual(expect.arrayContaining(['kube-system', 'riskgate']));
    }
    expect(config.webhooks.length).toBe(byName.size);
  });

  test('RBAC grants only what riskgate uses', () => {
    const allowed = new Set([
      'admissionregistration.k8s.io/validatingwebhookconfigurations:get,patch',
      '/secrets:get,update',
      '/secrets:create',
      '/events:create,get,patch',
      '/pods:get',
      'authentication.k8s.io/tokenreviews:create',
      'authorization.k8s.io/subjectaccessreviews:create',
      'discovery.k8s.io/endpointslices:list',
      '/services:list',
      'apps/daemonsets:list',
      'wgpolicyk8s.io/policyreports:list,create',
      'wgpolicyk8s.io/clusterpolicyreports:list,create',
      'wgpolicyk8s.io/policyreports:get,update,delete',
      'wgpolicyk8s.io/clusterpolicyreports:get,update,delete',
      'coordination.k8s.io/leases:get,update',
      'coordination.k8s.io/leases:create',
      // webhook.watchNamespaces (namespaceLabels exemptions) and the cluster audit of a policy that has them.
      '/namespaces:list,watch',
      '/namespaces:list',
      // vap.enabled: serve --vap lists and creates its policies, changes and deletes them by name, reads its webhook configuration.
      'admissionregistration.k8s.io/validatingadmissionpolicies:list,create',
      'admissionregistration.k8s.io/validatingadmissionpolicybindings:list,create',
      'admissionregistration.k8s.io/validatingadmissionpolicies:get,patch,update,delete',
      'admissionregistration.k8s.io/validatingadmissionpolicybindings:get,patch,update,delete',
      'admissionregistration.k8s.io/validatingwebhookconfigurations:get',
    ]);
    // Events are shared by object name across namespaces, and the Pod of any exec may be looked up: those are not by name.
    const anyName = new Set(['/events', '/pods']);
    // One ValidatingAdmissionPolicy (and binding) per request rule: riskgate-<rule>-deny.
    const requestRules = RULES.filter((r) => r.type === 'request').length;
    const names = new Map([
      ['admissionregistration.k8s.io/validatingadmissionpolicies', requestRules],
      ['admissionregistration.k8s.io/validatingadmissionpolicybindings', requestRules],
    ]);
    for (const role of objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole') as Obj[]) {
      for (const rule of role.rules) {
        for (const group of rule.apiGroups) {
          for (const resource of rule.resources) {
            expect(allowed).toContain(`${group}/${resource}:${rule.verbs.join(',')}`);
            if ((rule.verbs.includes('get') || rule.verbs.includes('patch')) && !anyName.has(`${group}/${resource}`)) expect(rule.resourceNames).toHaveLength(names.get(`${group}/${resource}`) ?? 1);
          }
        }
      }
      if (role.kind === 'Role') expect(role.metadata.namespace).toBe('riskgate');
    }
  });

  test('the Event sink, when enabled, gets exactly the Event and Pod verbs it uses; otherwise neither', () => {
    const rules = objects.filter((o) => o.kind === 'ClusterRole').flatMap((o) => (o as Obj).rules as Obj[]);
    const eventRules = rules.filter((r) => r.resources.includes('events') || r.resources.includes('pods'));
    const enabled = podSpec(objects).containers[0].args.some((a: string) => a.startsWith('--k8s-events'));
    expect(eventRules).toEqual(
      enabled
        ? [
            { apiGroups: [''], resources: ['events'], verbs: ['create', 'get', 'patch'] },
            { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
          ]
        : [],
    );
  });
});

describe('certificate modes', () => {
  test('self-managed (default): riskgate manages the Secret and caBundle, with the RBAC for exactly that', () => {
    const objects = objectsOf(helmTemplate());
    const args: string[] = podSpec(objects).containers[0].args;
    expect(args).toEqual(expect.arrayContaining(['--manage-certs', '--service=riskgate', '--namespace=riskgate', '--webhook-config=riskgate', '--secret=riskgate-tls']));
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const role = find(objects, 'Role', 'riskgate') as Obj;
    expect(role.rules[0]).toEqual({ apiGroups: [''], resources: ['secrets'], resourceNames: ['riskgate-tls'], verbs: ['get', 'update'] });
    expect((find(objects, 'ClusterRole', 'riskgate') as Obj).rules).toEqual([
      { apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations'], resourceNames: ['riskgate'], verbs: ['get', 'patch'] },
      { apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'watch'] },
    ]);
    expect(args).toContain('--watch-namespaces');
    expect(podSpec(objects).automountServiceAccountToken).toBe(true);
  });

  test('tls.keyType: ecdsa by default for the certificate riskgate manages; rsa on request, for it and for cert-manager\'s', () => {
    const args = (set: string[], values: string[] = []) => podSpec(objectsOf(helmTemplate({ set, values }))).containers[0].args as string[];
    expect(args([])).toContain('--cert-key-type=ecdsa');
    expect(args(['tls.keyType=rsa'])).toContain('--cert-key-type=rsa');
    const rsa = find(objectsOf(helmTemplate({ values: [join(CHART, 'ci', 'cert-manager-values.yaml')], set: ['tls.keyType=rsa'] })), 'Certificate', 'riskgate-tls') as Obj;
    expect(rsa.spec.privateKey).toEqual({ rotationPolicy: 'Always', algorithm: 'RSA', size: 2048 });
    expect(rsa.spec.usages).toEqual(['server auth', 'digital signature', 'key encipherment']);
    expect(args([], [join(CHART, 'ci', 'cert-manager-values.yaml')]).filter((a) => a.startsWith('--cert-key-type'))).toEqual([]);
    const refused = helmTemplateResult({ set: ['tls.keyType=dsa'] });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('keyType');
  });

  test('webhook.watchNamespaces alone (cert-manager, no audit, no configuration check): list and watch on namespaces, the flag, the token', () => {
    const objects = objectsOf(helmTemplate({ values: [join(CHART, 'ci', 'cert-manager-values.yaml')], set: ['audit.interval=', 'webhook.checkConfiguration=false'] }));
    expect((find(objects, 'ClusterRole', 'riskgate') as Obj).rules).toEqual([{ apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'watch'] }]);
    expect(podSpec(objects).containers[0].args).toContain('--watch-namespaces');
    expect(podSpec(objects).automountServiceAccountToken).toBe(true);
  });

  test('cert-manager with the cluster audit and the configuration check off: no riskgate RBAC, no token; with the check: get on its own configuration only', () => {
    const checked = objectsOf(helmTemplate({ values: [join(CHART, 'ci', 'cert-manager-values.yaml')], set: ['audit.interval=', 'webhook.watchNamespaces=false'] }));
    expect((find(checked, 'ClusterRole', 'riskgate') as Obj).rules).toEqual([
      { apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations'], resourceNames: ['riskgate'], verbs: ['get'] },
    ]);
    expect(podSpec(checked).containers[0].args).toContain('--check-webhook-config=riskgate');
    expect(podSpec(checked).automountServiceAccountToken).toBe(true);
  });

  test('cert-manager: Certificate for the four Service names, CA issuer chain, cainjector annotation, no riskgate RBAC (cluster audit and configuration check off)', () => {
    const objects = objectsOf(helmTemplate({ values: [join(CHART, 'ci', 'cert-manager-values.yaml')], set: ['audit.interval=', 'webhook.checkConfiguration=false', 'webhook.watchNamespaces=false'] }));
    const certificate = find(objects, 'Certificate', 'riskgate-tls') as Obj;
    expect(certificate.spec.dnsNames).toEqual(['riskgate', 'riskgate.riskgate', 'riskgate.riskgate.svc', 'riskgate.riskgate.svc.cluster.local']);
    expect(certificate.spec.usages).toEqual(['server auth', 'digital signature']);
    expect(certificate.spec.privateKey).toEqual({ rotationPolicy: 'Always', algorithm: 'ECDSA', size: 256 });
    expect(certificate.spec.issuerRef).toEqual({ name: 'riskgate-ca', kind: 'Issuer', group: 'cert-manager.io' });
    expect((find(objects, 'Issuer', 'riskgate-ca') as Obj).spec.ca.secretName).toBe((find(objects, 'Certificate', 'riskgate-ca') as Obj).spec.secretName);
    const config = find(objects, 'ValidatingWebhookConfiguration') as Obj;
    expect(config.metadata.annotations['cert-manager.io/inject-ca-from']).toBe('riskgate/riskgate-tls');
    expect(config.webhooks.every((w: Obj) => w.clientConfig.caBundle === undefined)).toBe(true);
    const pod = podSpec(objects);
    expect(pod.volumes.find((v: Obj) => v.name === 'tls').secret.secretName).toBe(certificate.spec.secretName);
    expect(pod.containers[0].args).toEqual(expect.arrayContaining(['--tls-cert=/etc/riskgate/tls/tls.crt', '--tls-key=/etc/riskgate/tls/tls.key']));
    expect(pod.containers[0].args).not.toContain('--manage-certs');
    expect(pod.containers[0].args.filter((a: string) => a.startsWith('--check-webhook-config'))).toEqual([]);
    expect(objects.filter((o) => o.kind.endsWith('Role'))).toEqual([]);
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('cert-manager with the cluster issuer: no Issuer of its own', () => {
    const objects = objectsOf(helmTemplate({ values: [join(CHART, 'ci', 'cert-manager-issuer-values.yaml')] }));
    expect(objects.filter((o) => o.kind === 'Issuer')).toEqual([]);
    expect((find(objects, 'Certificate') as Obj).spec.issuerRef).toEqual({ name: 'platform-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' });
  });

  test('provided Secret: mounted as is, its caBundle in every webhook entry', () => {
    const objects = objectsOf(helmTemplate({ values: [join(CHART, 'ci', 'provided-secret-values.yaml')] }));
    const pod = podSpec(objects);
    expect(pod.volumes.find((v: Obj) => v.name === 'tls').secret.secretName).toBe('riskgate-provided-tls');
    const config = find(objects, 'ValidatingWebhookConfiguration') as Obj;
    expect(config.webhooks.map((w: Obj) => w.clientConfig.caBundle)).toEqual(config.webhooks.map(() => expect.stringMatching(/^LS0tLS1CRUdJTi/)));
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });
});

describe('the schema check itself', () => {
  test('rejects objects the API server would reject', async () => {
    const objects = objectsOf(helmTemplate());
    const deployment = structuredClone(find(objects, 'Deployment')) as Obj;
    delete deployment.spec.selector;
    await expect(validateObject(deployment as K8sObject)).rejects.toThrow('data/spec must have required property selector');
    const config = structuredClone(find(objects, 'ValidatingWebhookConfiguration')) as Obj;
    config.webhooks[0].sideEffects = 'Maybe';
    await expect(validateObject(config as K8sObject)).rejects.toThrow('sideEffects must be equal to one of the allowed values');
    config.webhooks[0].sideEffects = 'NoneOnDryRun';
    config.webhooks[0].timeoutSeconds = '3';
    await expect(validateObject(config as K8sObject)).rejects.toThrow('timeoutSeconds must be integer');
  });
});
