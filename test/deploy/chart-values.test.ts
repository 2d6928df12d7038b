// What a user types into helm: bad values are refused by the real helm with a message; provided certificates reach the cluster intact.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCerts } from '../../src/cli/certs-command.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { RULES } from '../../src/rules/catalog.js';
import { handshake } from '../certs/tls-handshake.js';
import { ensureHelm, find, helmTemplate, helmTemplateResult, objectsOf } from './helm.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

beforeAll(() => ensureHelm(), 300_000);

describe('values refused by helm', () => {
  test.each([
    ['an unknown rule id', ['policy.rules.kubernetes-no-such-rule.action=deny'], 'kubernetes-no-such-rule'],
    ['an unknown action', ['policy.rules.kubernetes-node-port-creation.action=block'], '/policy/rules/kubernetes-node-port-creation/action'],
    ['deny on a metric rule', ['policy.rules.kubernetes-newly-seen-tcp-edge.action=deny'], '/policy/rules/kubernetes-newly-seen-tcp-edge/action'],
    ['an unknown key', ['webhook.failurePolicy=Ignore'], 'failurePolicy'],
    ['a single replica', ['replicaCount=1'], '/replicaCount'],
    ['a shutdown delay that leaves no time to drain', ['shutdownDelaySeconds=15'], '/shutdownDelaySeconds'],
    ['cert-manager and a provided Secret', ['certManager.enabled=true', 'tls.existingSecret=mine', 'tls.caBundle=eA=='], 'pick one way to provide the certificate'],
    ['a provided Secret without its CA', ['tls.existingSecret=mine'], 'tls.existingSecret needs tls.caBundle'],
    ['half a provided certificate', ['tls.cert=abc'], 'tls.cert, tls.key and tls.ca go together'],
  ])('%s', (_what, set, message) => {
    const run = helmTemplateResult({ set });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(message);
  });
});

describe('values helm accepts', () => {
  test('an unquoted off (YAML 1.1 false) means off: the rule leaves the webhooks and the policy file says "off"', () => {
    const objects = objectsOf(helmTemplate({ set: ['policy.defaultAction=deny', 'policy.rules.kubernetes-shell-exec-into-pod.action=false'] }));
    const policy = parsePolicy((find(objects, 'ConfigMap') as Obj).data['policy.yaml'], 'policy.yaml', RULES);
    expect(policy.rules.get('kubernetes-shell-exec-into-pod')?.action).toBe('off');
    expect(policy.rules.get('kubernetes-node-port-creation')?.action).toBe('deny');
    const config = find(objects, 'ValidatingWebhookConfiguration') as Obj;
    expect(config.webhooks.map((w: Obj) => w.name)).toEqual(['enforce.riskgate.io']);
    expect(JSON.stringify(config.webhooks[0].rules)).not.toContain('pods/exec');
  });

  test('SIGTERM: the pod keeps answering 5 s with /readyz failing, and delay + drain fit in the grace period', () => {
    const pod = (set: string[]) => (find(objectsOf(helmTemplate({ set })), 'Deployment') as Obj).spec.template.spec;
    const flag = (args: string[], name: string) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]);
    const byDefault = pod([]);
    const args: string[] = byDefault.containers[0].args;
    expect(flag(args, 'shutdown-delay')).toBe(5);
    expect(flag(args, 'shutdown-delay') + flag(args, 'drain-timeout')).toBeLessThan(byDefault.terminationGracePeriodSeconds);
    expect(flag(pod(['shutdownDelaySeconds=0']).containers[0].args, 'shutdown-delay')).toBe(0);
  });

  test('a policy change changes the pod template (the pods roll to the new policy)', () => {
    const checksum = (set: string[]) => (find(objectsOf(helmTemplate({ set })), 'Deployment') as Obj).spec.template.metadata.annotations['checksum/policy'];
    expect(checksum([])).toBe(checksum([]));
    expect(checksum(['policy.rules.kubernetes-node-port-creation.action=deny'])).not.toBe(checksum([]));
  });

  test('another release name and namespace flow into every name, the exclusions and the certificate names', () => {
    const objects = objectsOf(helmTemplate({ release: 'gate', namespace: 'security', set: ['webhook.excludeNamespaces={ingress-nginx}'] }));
    const config = find(objects, 'ValidatingWebhookConfiguration') as Obj;
    expect(config.metadata.name).toBe('gate-riskgate');
    expect(config.webhooks[0].clientConfig.service).toMatchObject({ name: 'gate-riskgate', namespace: 'security' });
    expect(config.webhooks[0].namespaceSelector.matchExpressions[0].values).toEqual(['kube-system', 'security', 'ingress-nginx']);
    const args: string[] = (find(objects, 'Deployment') as Obj).spec.template.spec.containers[0].args;
    expect(args).toEqual(expect.arrayContaining(['--service=gate-riskgate', '--namespace=security', '--webhook-config=gate-riskgate', '--secret=gate-riskgate-tls']));
  });
});

describe('provided certificate from `riskgate certs`', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'riskgate-chart-certs-'));
    await runCerts({ service: 'riskgate', namespace: 'riskgate', out: dir, days: 30, clusterDomain: 'cluster.local', force: false });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('--set-file puts the files into the TLS Secret and ca.crt into every caBundle; the pair passes a handshake for the Service name', async () => {
    const objects = objectsOf(
      helmTemplate({ setFile: [`tls.cert=${join(dir, 'tls.crt')}`, `tls.key=${join(dir, 'tls.key')}`, `tls.ca=${join(dir, 'ca.crt')}`] }),
    );
    const secret = find(objects, 'Secret') as Obj;
    expect(secret.type).toBe('kubernetes.io/tls');
    const decoded = (key: string) => Buffer.from(secret.data[key], 'base64').toString('utf8');
    const file = (name: string) => readFileSync(join(dir, name), 'utf8');
    expect([decoded('tls.crt'), decoded('tls.key'), decoded('ca.crt')]).toEqual([file('tls.crt'), file('tls.key'), file('ca.crt')]);
    const config = find(objects, 'ValidatingWebhookConfiguration') as Obj;
    for (const webhook of config.webhooks) expect(Buffer.from(webhook.clientConfig.caBundle, 'base64').toString('utf8')).toBe(file('ca.crt'));
    const bundle = Buffer.from(config.webhooks[0].clientConfig.caBundle, 'base64').toString('utf8');
    expect(await handshake({ cert: decoded('tls.crt'), key: decoded('tls.key') }, bundle, 'riskgate.riskgate.svc')).toBe('ok');
    // No certificate RBAC (the cluster audit's Role for its Lease aside).
    expect(objects.filter((o) => o.kind === 'Role' && o.metadata.name !== 'riskgate-audit')).toEqual([]);
  });
});
