// The chart with namespaceActions, exemption blocks that end, requireReason and vap.enabled: the policy file, the webhook entries and their CEL, the VAP RBAC.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { actionIn } from '../../src/engine/namespace-action.js';
import { ENFORCE_WEBHOOK, OBSERVE_WEBHOOK } from '../../src/kubernetes/webhook-names.js';
import { RULES } from '../../src/rules/catalog.js';
import { capturedReview } from '../fixture-path.js';
import { celVariables, evaluateCel } from '../cel/cel-evaluation.js';
import { expectedDenyCondition, expectedRules } from './expected-webhooks.js';
import { CHART, ensureHelm, find, helm, objectsOf } from './helm.js';
import type { K8sObject } from './helm.js';
import { validateObject } from './kubernetes-schemas.js';

beforeAll(() => ensureHelm(), 300_000);

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

const VALUES = `policy:
  requireReason: true
  exemptions:
    - namespaces: ["sandbox-*"]
      reason: playground
  rules:
    kubernetes-node-port-creation:
      action: record
      namespaceActions: {"prod-*": deny, "dev-*": warn, sandbox: off}
      exemptions:
        - users: [alice@example.com]
          expires: "2026-12-24T00:00:00Z"
          reason: ingress migration
    kubernetes-daemonset-deployed:
      action: deny
      namespaceActions: [{prod-payments: record}, {"prod-*": deny}, {"*": warn}]
    kubernetes-node-port-update: {action: deny, exemptions: {labels: {approved: "yes"}, reason: approved changes}}
`;

const dir = mkdtempSync(join(tmpdir(), 'riskgate-chart-lifecycle-'));
const valuesFile = join(dir, 'values.yaml');
writeFileSync(valuesFile, VALUES);

function render(set: string[] = [], values: string[] = [valuesFile]): K8sObject[] {
  const run = helm(['template', 'riskgate', CHART, '--namespace', 'riskgate', '--kube-version', '1.32.13', ...values.flatMap((v) => ['-f', v]), ...set.flatMap((s) => ['--set', s])]);
  if (run.status !== 0) throw new Error(`helm template failed: ${run.stderr}`);
  expect(run.stderr).not.toMatch(/warning/i);
  return objectsOf(run.stdout);
}

function entries(objects: K8sObject[]): Map<string, Obj> {
  return new Map((find(objects, 'ValidatingWebhookConfiguration') as Obj).webhooks.map((w: Obj) => [w.name, w]));
}

function policyOf(objects: K8sObject[]) {
  return parsePolicy((find(objects, 'ConfigMap') as Obj).data['policy.yaml'] as string, 'rendered policy.yaml', RULES);
}

describe('namespaceActions and exemption blocks in the chart', () => {
  const objects = render();
  const policy = policyOf(objects);

  test('the policy file keeps requireReason, the blocks with their end and reason, and the namespace actions in the order riskgate reads', () => {
    expect(policy.requireReason).toBe(true);
    expect(policy.exemptions.map((b) => b.reason)).toEqual(['playground']);
    const creation = policy.rules.get('kubernetes-node-port-creation')!;
    expect(creation.exemptions.map((b) => [b.expires?.toISOString(), b.reason])).toEqual([['2026-12-24T00:00:00.000Z', 'ingress migration']]);
    // A mapping comes out sorted (an unquoted off reads as false and is written off); a list keeps its order.
    expect(creation.namespaceActions).toEqual([
      { pattern: 'dev-*', action: 'warn' },
      { pattern: 'prod-*', action: 'deny' },
      { pattern: 'sandbox', action: 'off' },
    ]);
    expect(policy.rules.get('kubernetes-daemonset-deployed')!.namespaceActions.map((n) => n.pattern)).toEqual(['prod-payments', 'prod-*', '*']);
  });

  test('enforce takes the rules that deny in some namespace, observe those that warn or record in some', async () => {
    const webhooks = entries(objects);
    expect(webhooks.get(ENFORCE_WEBHOOK.name)!.rules).toEqual(expectedRules(RULES, policy, 'enforce'));
    expect(webhooks.get(OBSERVE_WEBHOOK.name)!.rules).toEqual(expectedRules(RULES, policy, 'observe'));
    await validateObject(find(objects, 'ValidatingWebhookConfiguration'));
  });

  test("the enforce entry's CEL is the text src/cel writes: each rule narrowed to the namespaces where it denies", () => {
    const expression = entries(objects).get(ENFORCE_WEBHOOK.name)!.matchConditions[0].expression as string;
    expect(expression).toBe(expectedDenyCondition(RULES, policy));
    expect(expression).toContain("&& (!((has(request.namespace) ? request.namespace : '').matches('^dev-(?s:.*)$'))");
  });

  test.each(['prod-eu', 'prod-payments', 'dev-1', 'sandbox', 'staging'])('in %s a NodePort or DaemonSet create reaches the Fail entry exactly where its rule denies', (namespace) => {
    const expression = entries(objects).get(ENFORCE_WEBHOOK.name)!.matchConditions[0].expression as string;
    const reached: Array<[string, boolean, boolean]> = [];
    for (const [capture, ruleId] of [['001', 'kubernetes-node-port-creation'], ['007', 'kubernetes-daemonset-deployed']] as const) {
      const body = structuredClone(capturedReview(capture)) as Obj;
      body['request'].namespace = namespace;
      reached.push([ruleId, evaluateCel(expression, celVariables(body)) as boolean, actionIn(policy.rules.get(ruleId)!, namespace) === 'deny']);
    }
    for (const [ruleId, cel, denies] of reached) expect([ruleId, cel]).toEqual([ruleId, denies]);
    if (namespace === 'prod-payments') expect(reached.map(([, cel]) => cel)).toEqual([true, false]);
  });
});

describe('vap.enabled', () => {
  const objects = render(['vap.enabled=true']);
  const policy = policyOf(objects);

  test('the enforce entry is gone (every catalog rule has exact CEL); observe is unchanged', () => {
    const webhooks = entries(objects);
    expect(webhooks.has(ENFORCE_WEBHOOK.name)).toBe(false);
    expect(expectedDenyCondition(RULES, policy, true)).toBeUndefined();
    expect(webhooks.get(OBSERVE_WEBHOOK.name)!.rules).toEqual(expectedRules(RULES, policy, 'observe', true));
  });

  test('serve gets --vap and the webhook configuration that owns the policies; the pod has a token; RBAC names every policy it may change', async () => {
    const pod = (find(objects, 'Deployment') as Obj).spec.template.spec;
    expect(pod.containers[0].args).toEqual(expect.arrayContaining(['--vap', '--webhook-config=riskgate']));
    expect(pod.automountServiceAccountToken).toBe(true);
    const role = objects.find((o) => o.kind === 'ClusterRole' && (o as Obj).metadata.name === 'riskgate-vap') as Obj;
    expect(role.rules).toContainEqual({
      apiGroups: ['admissionregistration.k8s.io'],
      resources: ['validatingadmissionpolicies', 'validatingadmissionpolicybindings'],
      resourceNames: RULES.filter((r) => r.type === 'request').map((r) => `riskgate-${r.id}-deny`),
      verbs: ['get', 'patch', 'update', 'delete'],
    });
    expect(role.rules).toContainEqual({ apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations'], resourceNames: ['riskgate'], verbs: ['get'] });
    await validateObject(role as K8sObject);
  });

  test('off: no VAP RBAC, no --vap', () => {
    const plain = render();
    expect(plain.some((o) => (o as Obj).metadata.name === 'riskgate-vap')).toBe(false);
    expect((find(plain, 'Deployment') as Obj).spec.template.spec.containers[0].args).not.toContain('--vap');
  });
});

describe('the values schema', () => {
  test.each([
    ['a namespace pattern with capitals', 'policy.rules.kubernetes-node-port-creation.namespaceActions.Prod=deny'],
    ['an unknown action', 'policy.rules.kubernetes-node-port-creation.namespaceActions.prod=block'],
    ['namespaceActions on a metric rule', 'policy.rules.kubernetes-shell-running-on-worker-node.namespaceActions.prod=record'],
    ['an end without a zone', 'policy.exemptions.expires=2026-12-01T00:00:00'],
    ['requireReason not a boolean', 'policy.requireReason=sometimes'],
  ])('refuses %s', (_what, set) => {
    const run = helm(['template', 'riskgate', CHART, '--namespace', 'riskgate', '--set-string', set]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/values don't meet the specifications of the schema|schema/);
  });
});
