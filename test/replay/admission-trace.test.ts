// What replay reads of the live webhook in an audit event: riskgate's keys by their rule suffix, its decision, a failed webhook call.
import type { AdmissionTrace } from '../../src/kubernetes/admission-trace.js';
import { admissionTraceOf, liveActionOf } from '../../src/kubernetes/admission-trace.js';
import type { AuditEvent } from '../../src/kubernetes/audit-event.js';
import { RULES } from '../../src/rules/catalog.js';

const IDS = new Set(RULES.map((r) => r.id));

function event(annotations: Record<string, string>, responseStatus?: AuditEvent['responseStatus']): AuditEvent {
  return { kind: 'Event', auditID: 'a', stage: 'ResponseComplete', verb: 'create', annotations, ...(responseStatus ? { responseStatus } : {}) };
}

function plain(trace: AdmissionTrace): object {
  return { ...trace, rules: Object.fromEntries(trace.rules) };
}

test.each<[string, AuditEvent, object]>([
  [
    'both riskgate webhooks: the stronger decision, each rule with its action and ids',
    event({
      'enforce.riskgate.io/decision': 'deny',
      'enforce.riskgate.io/kubernetes-node-port-creation.action': 'deny',
      'enforce.riskgate.io/kubernetes-node-port-creation.event_id': 'id1,id2',
      'riskgate-observe.example.org/decision': 'warn',
      'riskgate-observe.example.org/kubernetes-daemonset-deployed.action': 'warn',
      'riskgate-observe.example.org/kubernetes-daemonset-deployed.event_id': 'id3',
    }),
    { decision: 'deny', rules: { 'kubernetes-node-port-creation': { action: 'deny', eventIds: ['id1', 'id2'] }, 'kubernetes-daemonset-deployed': { action: 'warn', eventIds: ['id3'] } } },
  ],
  [
    'the digest of the policy that judged (policy_digest), which replay reports next to its own verdicts',
    event({ 'enforce.riskgate.io/decision': 'deny', 'enforce.riskgate.io/policy_digest': 'sha256:0123456789abcdef', 'enforce.riskgate.io/kubernetes-node-port-creation.action': 'deny' }),
    { decision: 'deny', policyDigest: 'sha256:0123456789abcdef', rules: { 'kubernetes-node-port-creation': { action: 'deny', eventIds: [] } } },
  ],
  [
    'an exemption and a dry-run (no event_id)',
    event({ 'a.example/decision': 'exempt', 'a.example/kubernetes-node-port-update.exempted': 'rule user=ci', 'b.example/kubernetes-node-port-creation.action': 'record' }),
    { decision: 'exempt', rules: { 'kubernetes-node-port-update': { exempted: 'rule user=ci', eventIds: [] }, 'kubernetes-node-port-creation': { action: 'record', eventIds: [] } } },
  ],
  [
    "another webhook's keys, and a key of a rule riskgate does not know, are not riskgate's",
    event({ 'policy.harness.example.com/decision': 'deny', 'policy.harness.example.com/rule': 'no-nodeport', 'x.example/no-such-rule.action': 'deny', 'authorization.k8s.io/decision': 'allow' }),
    { rules: {} },
  ],
  [
    'a failurePolicy Ignore webhook that failed: the failed-open annotation names it',
    event({ 'failed-open.validating.webhook.admission.k8s.io/round_0_index_1': 'observe.riskgate.io' }),
    { rules: {}, failedWebhook: { name: 'observe.riskgate.io', outcome: 'failed-open' } },
  ],
  [
    'a 500 for another reason is no failed webhook call',
    event({}, { code: 500, message: 'Internal error occurred: etcdserver: request timed out' }),
    { rules: {} },
  ],
])('%s', (_name, input, expected) => {
  expect(plain(admissionTraceOf(input, IDS))).toEqual(expected);
});

test.each<[string, AuditEvent, string | undefined]>([
  ['the action riskgate wrote', event({ 'w/kubernetes-node-port-creation.action': 'warn' }), 'warn'],
  ['exempt', event({ 'w/kubernetes-node-port-creation.exempted': 'policy namespace=edge-1' }), 'exempt'],
  ['not-judged: no annotation for the rule and a failed webhook call', event({ 'w/kubernetes-daemonset-deployed.action': 'warn' }, { code: 500, message: 'failed calling webhook "enforce.riskgate.io": connection refused' }), 'not-judged'],
  ['nothing known: no annotation and no failure', event({}), undefined],
])('live action of kubernetes-node-port-creation: %s', (_name, input, expected) => {
  expect(liveActionOf(admissionTraceOf(input, IDS), 'kubernetes-node-port-creation')).toBe(expected);
});

test('replay marks each of its verdicts with the live policy digest, whether or not the actions agree', async () => {
  const { liveMarker } = await import('../../src/replay/live-marker.js');
  const trace = admissionTraceOf(event({ 'w/policy_digest': 'sha256:00000000000000aa', 'w/kubernetes-node-port-creation.action': 'deny' }), IDS);
  expect(liveMarker(trace, 'kubernetes-node-port-creation', 'deny')).toEqual({ admission_policy_digest: 'sha256:00000000000000aa' });
  expect(liveMarker(trace, 'kubernetes-node-port-creation', 'record')).toEqual({ admission_action: 'deny', admission_policy_digest: 'sha256:00000000000000aa' });
  expect(liveMarker(trace, 'kubernetes-daemonset-deployed', 'warn')).toEqual({});
});
