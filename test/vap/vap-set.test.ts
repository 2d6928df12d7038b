// riskgate vap's policies against the webhook: on every captured AdmissionReview, in namespaces and as users the policy treats
// differently, a VAP fails exactly where the webhook denies or warns, with the webhook's warning text.
import { readdirSync } from 'node:fs';
import { decide } from '../../src/engine/decide.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { MAX_WARNING_LENGTH, denyMessage } from '../../src/outputs/admission-response.js';
import { fromAdmissionReview } from '../../src/request/from-admission-review.js';
import { RULES } from '../../src/rules/catalog.js';
import { REGENERATE_ANNOTATION } from '../../src/vap/admission-policy.js';
import { vapSet } from '../../src/vap/vap-set.js';
import { CAPTURES, capturedReview } from '../fixture-path.js';
import { vapVerdict } from './vap-evaluation.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

const POLICY = parsePolicy(
  `exemptions:
  - namespaces: ["sandbox-*", quarantine]
    reason: playground
rules:
  kubernetes-node-port-creation:
    action: deny
    namespaceActions: {"dev-*": warn, lab: record}
    exemptions:
      - users: [alice@example.com]
        reason: ingress owner
      - groups: ["platform-*"]
        expires: 2026-12-24T00:00:00Z
        reason: migration
      - labels: {riskgate.io/approved: "yes"}
      - namespaceLabels: {riskgate.io/zone: dmz}
        reason: the DMZ namespaces publish node ports
  kubernetes-node-port-update: {action: deny, exemptions: {serviceAccounts: ["ci:*"], reason: pipelines}}
  kubernetes-load-balancer-node-ports: {action: warn}
  kubernetes-daemonset-deployed:
    action: warn
    namespaceActions: {"prod-*": deny}
  kubernetes-daemonset-template-update: {action: deny}
  kubernetes-shell-exec-into-pod: {action: deny}
`,
  'parity.yaml',
  RULES,
);

const NOW = new Date('2026-12-01T00:00:00Z');
const SET = vapSet(RULES, POLICY, NOW, { excludeNamespaces: ['kube-system'] });
const CAPTURE_IDS = readdirSync(CAPTURES).filter((f) => f.endsWith('.request.json')).map((f) => f.slice(0, 3));

/** Variants of each review: namespaces with their own actions or exemptions, exempt identities, an approved label. */
const VARIANTS: Array<[string, (r: Obj) => void, Record<string, string>?]> = [
  ['as captured', () => {}],
  ['in dev-1', (r) => (r['namespace'] = 'dev-1')],
  ['in lab', (r) => (r['namespace'] = 'lab')],
  ['in prod-eu', (r) => (r['namespace'] = 'prod-eu')],
  ['in sandbox-3', (r) => (r['namespace'] = 'sandbox-3')],
  ['in quarantine', (r) => (r['namespace'] = 'quarantine')],
  ['in kube-system', (r) => (r['namespace'] = 'kube-system')],
  ['as alice', (r) => (r['userInfo'] = { username: 'alice@example.com', groups: ['system:authenticated'] })],
  ['in a platform-* group', (r) => (r['userInfo'] = { username: 'bob', groups: ['platform-admins'] })],
  ['as ci:deployer', (r) => (r['userInfo'] = { username: 'system:serviceaccount:ci:deployer', groups: [] })],
  ['approved (object only)', (r) => r['object']?.metadata && ((r['object'].metadata.labels ??= {})['riskgate.io/approved'] = 'yes')],
  ['in a namespace labelled riskgate.io/zone=dmz', () => {}, { 'riskgate.io/zone': 'dmz', team: 'edge' }],
  ['in a namespace labelled riskgate.io/zone=lan', () => {}, { 'riskgate.io/zone': 'lan' }],
  [
    'approved (object and old object)',
    (r) => {
      for (const o of [r['object'], r['oldObject']]) if (o?.metadata) (o.metadata.labels ??= {})['riskgate.io/approved'] = 'yes';
    },
  ],
];

function clip(text: string): string {
  return text.length <= MAX_WARNING_LENGTH ? text : `${text.slice(0, MAX_WARNING_LENGTH - 1)}…`;
}

describe.each(CAPTURE_IDS)('capture %s', (id) => {
  test.each(VARIANTS)('%s: the VAPs fail exactly where the webhook denies or warns', (_variant, change, labels = {}) => {
    const body = structuredClone(capturedReview(id)) as Obj;
    change(body['request']);
    const { request } = fromAdmissionReview(body);
    // The webhook learns the labels from its Namespace watch, a VAP from namespaceObject.
    request.namespaceLabels = labels;
    const namespaceObject = request.namespace === '' ? null : { apiVersion: 'v1', kind: 'Namespace', metadata: { name: request.namespace, labels } };
    const decision = decide(evaluate(request, RULES), POLICY, NOW);
    // kube-system is left out of the webhook (its namespaceSelector) as of the VAPs.
    const judged = request.namespace === 'kube-system' ? [] : decision.verdicts.filter((v) => v.action !== 'record');
    const expected = judged.map((v) => `${v.finding.rule.id} ${v.action} ${v.action === 'warn' ? clip(`riskgate ${v.finding.rule.id}: ${v.finding.summary}`) : denyMessage([v], POLICY.source)}`);
    const actual = SET.pairs.flatMap((pair) => {
      const verdict = vapVerdict(pair, body, namespaceObject);
      return verdict.outcome === 'failed' ? [`${pair.rule.id} ${pair.action} ${verdict.message}`] : [];
    });
    expect(actual.sort()).toEqual(expected.sort());
  });
});

test('the set: a pair per rule and action it takes somewhere; the end of a live block compiled in is named; an ended block is left out', () => {
  expect(SET.pairs.map((p) => p.policy.metadata.name)).toEqual([
    'riskgate-kubernetes-node-port-creation-deny',
    'riskgate-kubernetes-node-port-creation-warn',
    'riskgate-kubernetes-node-port-update-deny',
    'riskgate-kubernetes-load-balancer-node-ports-warn',
    'riskgate-kubernetes-daemonset-deployed-deny',
    'riskgate-kubernetes-daemonset-deployed-warn',
    'riskgate-kubernetes-daemonset-template-update-deny',
    'riskgate-kubernetes-shell-exec-into-pod-deny',
  ]);
  expect(SET.leftToWebhook).toEqual([]);
  expect(SET.regenerateBefore).toEqual(new Date('2026-12-24T00:00:00Z'));
  const creation = SET.pairs[0]!;
  expect(creation.policy.metadata.annotations).toEqual({ [REGENERATE_ANNOTATION]: '2026-12-24T00:00:00Z' });
  expect(creation.binding.spec).toEqual({ policyName: 'riskgate-kubernetes-node-port-creation-deny', validationActions: ['Deny', 'Audit'] });
  expect((creation.policy.spec['matchConstraints'] as Obj)['namespaceSelector']).toEqual({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'quarantine'] }] });
  const later = vapSet(RULES, POLICY, new Date('2026-12-24T00:00:00Z'), { excludeNamespaces: [] });
  expect(later.regenerateBefore).toBeUndefined();
  expect(JSON.stringify(later.pairs[0]!.policy)).not.toContain('platform-');
  expect(JSON.stringify(creation.policy)).toContain('platform-');
});

test('a rule whose CEL is not exact is left to the webhook, and said so', () => {
  const rule = RULES.find((r) => r.id === 'kubernetes-shell-exec-into-pod')!;
  const inexact = { ...rule, condition: { field: 'object.command[0]', matches: '^(?=sh)' } } as typeof rule;
  const set = vapSet([inexact], POLICY, NOW, { excludeNamespaces: [] });
  expect(set.pairs).toEqual([]);
  expect(set.leftToWebhook.map((l) => [l.rule.id, l.reason])).toEqual([['kubernetes-shell-exec-into-pod', expect.stringContaining('no exact CEL form')]]);
});
