// Parity: the same request as a captured AdmissionReview, as the audit event kube-apiserver logged for it, and (CREATE) as a manifest gives the same findings and decision.
import { readFileSync } from 'node:fs';
import { decide } from '../../src/engine/decide.js';
import { evaluate } from '../../src/engine/evaluate.js';
import type { Finding } from '../../src/engine/finding.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { defaultPolicy } from '../../src/engine/policy.js';
import type { Policy } from '../../src/engine/policy.js';
import { fromAdmissionReview } from '../../src/request/from-admission-review.js';
import { fromAuditEvent } from '../../src/request/from-audit-event.js';
import { checkUser, fromManifest } from '../../src/request/from-manifest.js';
import type { JsonObject } from '../../src/request/json-value.js';
import type { ResourceRequest } from '../../src/request/resource-request.js';
import { RULES } from '../../src/rules/catalog.js';
import { capturedReview, fixturePath } from '../fixture-path.js';

const POLICIES: Array<[string, Policy]> = [
  ['built-in', defaultPolicy(RULES)],
  [
    'deny with exemptions',
    parsePolicy(
      `apiVersion: riskgate.io/v1
kind: Policy
defaultAction: deny
rules:
  kubernetes-node-port-creation:
    exemptions: {users: [admin-token-user]}
  kubernetes-daemonset-deployed:
    action: warn
    exemptions: {groups: ["system:masters"]}
  kubernetes-shell-exec-into-pod:
    exemptions: {namespaces: [default]}
`,
      'parity.yaml',
      RULES,
    ),
  ],
];

const LOG = readFileSync(fixturePath('kube-apiserver-v1.32', 'audit.log.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as JsonObject);

/** The audit event kube-apiserver logged for a capture: same object name, same admission operation, final stage. */
const PAIRS: Array<[capture: string, name: string, verbs: string[]]> = [
  ['001', 'np-svc', ['create']],
  ['002', 'cip-svc', ['create']],
  ['003', 'cip-svc', ['patch']],
  ['004', 'np-dry', ['create']],
  ['005', 'cip-dry', ['create']],
  ['006', 'lb-svc', ['create']],
  ['007', 'node-agent', ['create']],
  ['008', 'node-agent', ['patch']],
  ['009', 'np-curl', ['create']],
  ['010', 'np-curl-dry', ['create']],
  ['011', 'shell-target', ['get', 'create']],
  ['012', 'shell-target', ['get', 'create']],
];

function auditEventsFor(name: string, verbs: string[]): JsonObject[] {
  return LOG.filter((e) => (e['objectRef'] as JsonObject)['name'] === name && verbs.includes(String(e['verb'])) && e['stage'] === 'ResponseComplete')
    .filter((e) => (name === 'shell-target' ? (e['objectRef'] as JsonObject)['subresource'] === 'exec' : true));
}

/**
 * What a user sees, without what only one source knows (audit: client IP and user agent; each source its own uid; the
 * object's uid, which a denied request's audit event lacks: compared in its own test below).
 */
function judged(request: ResourceRequest, policy: Policy) {
  const findings = evaluate(request, RULES);
  const decision = decide(findings, policy, new Date());
  const row = (f: Finding) => {
    const { uid: _u, src_ip: _s, user_agent: _a, object_uid: _o, ...fields } = f.fields;
    return { rule: f.rule.id, summary: f.summary, fields, subject: f.subject };
  };
  return {
    findings: findings.map(row),
    verdicts: decision.verdicts.map((v) => `${v.finding.rule.id} ${v.action}`),
    exempted: decision.exempted.map((e) => `${e.finding.rule.id} ${e.exemption}`),
    dryRun: request.dryRun,
  };
}

/**
 * Capture 003 is a kubectl patch that admission denied: its audit event holds only the patch and a Status, so the
 * Service's labels are unknown to replay (no label exemption can apply: replay errs towards reporting). Everything
 * else about it agrees; the difference is pinned in its own test below.
 */
const LABELS_UNKNOWN = ['003'];

function withoutLabels(judgement: ReturnType<typeof judged>) {
  return { ...judgement, findings: judgement.findings.map((f) => ({ ...f, subject: { ...f.subject, labels: undefined, oldLabels: undefined } })) };
}

describe.each(POLICIES)('AdmissionReview ↔ audit event, policy %s', (_name, policy) => {
  test.each(PAIRS)('capture %s ↔ audit events of %s', (capture, name, verbs) => {
    const { request: admission } = fromAdmissionReview(capturedReview(capture));
    const events = auditEventsFor(name, verbs);
    expect(events.length).toBeGreaterThan(0);
    const comparable = LABELS_UNKNOWN.includes(capture) ? withoutLabels : (j: ReturnType<typeof judged>) => j;
    for (const event of events) expect(comparable(judged(fromAuditEvent(event, 'audit.log.jsonl')!, policy))).toEqual(comparable(judged(admission, policy)));
  });

  test('capture 003: a denied patch leaves the labels unknown to replay (admission saw them on both objects)', () => {
    const { request: admission } = fromAdmissionReview(capturedReview('003'));
    const audit = fromAuditEvent(auditEventsFor('cip-svc', ['patch'])[0]!, 'audit.log.jsonl')!;
    const [a] = judged(admission, policy).findings;
    const [r] = judged(audit, policy).findings;
    expect([a!.subject.labels, a!.subject.oldLabels]).toEqual([{ app: 'cip-svc' }, { app: 'cip-svc' }]);
    expect([r!.subject.labels, r!.subject.oldLabels]).toEqual([undefined, {}]);
  });

  test('object_uid: the same as admission\'s where the log holds the stored object; none for denied requests and exec', () => {
    const uids = (request: ResourceRequest) => evaluate(request, RULES).map((f) => f.fields['object_uid']);
    const seen: string[] = [];
    for (const [capture, name, verbs] of PAIRS) {
      const { request: admission } = fromAdmissionReview(capturedReview(capture));
      for (const event of auditEventsFor(name, verbs)) {
        const stored = (event['responseObject'] as JsonObject | undefined)?.['kind'];
        const expected = stored && stored !== 'Status' ? uids(admission) : uids(admission).map(() => undefined);
        expect(uids(fromAuditEvent(event, 'audit.log.jsonl')!)).toEqual(expected);
        if (expected.some(Boolean)) seen.push(capture);
      }
    }
    expect([...new Set(seen)]).toEqual(['006', '007']); // the admitted creates that fire a rule (LoadBalancer, DaemonSet)
  });

  test('the captures cover every request rule that fires in the log, and some captures fire nothing', () => {
    const fired = new Set(PAIRS.flatMap(([capture]) => evaluate(fromAdmissionReview(capturedReview(capture)).request, RULES).map((f) => f.rule.id)));
    expect([...fired].sort()).toEqual([
      'kubernetes-daemonset-deployed',
      'kubernetes-load-balancer-node-ports',
      'kubernetes-node-port-creation',
      'kubernetes-node-port-update',
      'kubernetes-shell-exec-into-pod',
    ]);
  });
});

describe.each(POLICIES)('AdmissionReview ↔ audit event ↔ manifest (CREATE captures), policy %s', (_name, policy) => {
  test.each(PAIRS.filter(([c]) => ['001', '002', '006', '007', '009'].includes(c)))('capture %s', (capture, name, verbs) => {
    const { request: admission } = fromAdmissionReview(capturedReview(capture));
    const manifest = fromManifest(admission.object!, { file: `${name}.yaml`, line: 1 }, { operation: 'CREATE', namespace: admission.namespace, user: checkUser(admission.user.username, admission.user.groups) });
    const [event] = auditEventsFor(name, verbs);
    const audit = fromAuditEvent(event, 'audit.log.jsonl')!;
    // A manifest is a dry run by nature (nothing persisted); everything else must agree.
    const { dryRun: _d, ...expected } = judged(admission, policy);
    const { dryRun: _m, ...fromManifestJudged } = judged(manifest, policy);
    const { dryRun: _a, ...fromAudit } = judged(audit, policy);
    expect(fromAudit).toEqual(expected);
    expect(fromManifestJudged).toEqual(expected);
  });
});
