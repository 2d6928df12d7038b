// The audit annotations the webhook answers with: valid keys for every rule, and the event ids of the risk events recorded.
import { defaultPolicy } from '../../src/engine/policy.js';
import { ENFORCE_WEBHOOK, OBSERVE_WEBHOOK, RULE_ANNOTATIONS, ruleAnnotationKey } from '../../src/kubernetes/webhook-names.js';
import { RULES } from '../../src/rules/catalog.js';
import type { RequestRule } from '../../src/rules/rule.js';
import { reviewAdmission } from '../../src/webhook/review.js';
import { capturedReview } from '../fixture-path.js';

/** The API server refuses a webhook answer whose annotation key is not a qualified name (a 63-character name part). */
const QUALIFIED_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

function review(body: unknown, rules: readonly RequestRule[] = RULES.filter((r): r is RequestRule => r.type === 'request')) {
  return reviewAdmission({ body, policy: defaultPolicy(rules), rules, now: new Date('2026-11-23T05:00:00Z'), scope: 'all' });
}

describe('audit annotation keys', () => {
  test.each(RULES.filter((r) => r.type === 'request').map((r) => [r.id]))('every key of %s is a valid qualified name', (id) => {
    for (const name of RULE_ANNOTATIONS) expect(ruleAnnotationKey(id, name)).toMatch(QUALIFIED_NAME);
  });

  test('the webhook names make a valid prefix (DNS subdomain of at most 253 characters)', () => {
    for (const { name } of [ENFORCE_WEBHOOK, OBSERVE_WEBHOOK]) expect(name.length <= 253 && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)).toBe(true);
  });
});

describe('<rule>.event_id', () => {
  test('is the id of the risk event recorded (real NodePort create, 001)', () => {
    const { response, riskEvents } = review(capturedReview('001'));
    expect(riskEvents.map((e) => [e.rule_id, e.risk_object])).toEqual([['kubernetes-node-port-creation', 'admin']]);
    expect(riskEvents[0]!.event_id).toMatch(/^[0-9a-f]{32}$/);
    expect(response.response.auditAnnotations).toMatchObject({ 'kubernetes-node-port-creation.event_id': riskEvents[0]!.event_id });
  });

  test('holds every id, comma-joined in the order of the events, when a rule yields several risk objects', () => {
    const base = RULES.find((r) => r.id === 'kubernetes-node-port-creation') as RequestRule;
    const twoObjects: RequestRule = { ...base, risk: { ...base.risk, riskObjects: [...base.risk.riskObjects, { field: 'namespace', type: 'other', score: 5 }] } };
    const { response, riskEvents } = review(capturedReview('001'), [twoObjects]);
    expect(riskEvents.map((e) => e.risk_object)).toEqual(['admin', 'default']);
    expect(response.response.auditAnnotations?.['kubernetes-node-port-creation.event_id']).toBe(`${riskEvents[0]!.event_id},${riskEvents[1]!.event_id}`);
  });

  test('is absent for a dry-run request, which records no risk event (004)', () => {
    const dryRun = review(capturedReview('004'));
    expect(dryRun.riskEvents).toEqual([]);
    expect(Object.keys(dryRun.response.response.auditAnnotations ?? {}).sort()).toEqual(['decision', 'kubernetes-node-port-creation.action', 'kubernetes-node-port-creation.risk_score']);
  });
});

describe('policy_digest', () => {
  const rules = RULES.filter((r): r is RequestRule => r.type === 'request');
  const judged = (digest?: string) =>
    reviewAdmission({ body: capturedReview('001'), policy: { ...defaultPolicy(rules), ...(digest ? { digest } : {}) }, rules, now: new Date('2026-11-23T05:00:00Z'), scope: 'all' });

  test('the policy that judged is named in the annotations and in every risk event, so Splunk can tell which policy decided', () => {
    const { response, riskEvents } = judged('sha256:0123456789abcdef');
    expect(response.response.auditAnnotations).toMatchObject({ policy_digest: 'sha256:0123456789abcdef', decision: 'record' });
    expect(riskEvents.map((e) => e.policy_digest)).toEqual(['sha256:0123456789abcdef']);
    expect('policy_digest').toMatch(QUALIFIED_NAME);
  });

  test('a request without a finding gets no annotation; a policy without a digest (check, replay) adds none', () => {
    expect(reviewAdmission({ body: capturedReview('002'), policy: { ...defaultPolicy(rules), digest: 'built-in' }, rules, now: new Date(), scope: 'all' }).response.response.auditAnnotations).toBeUndefined();
    const { response, riskEvents } = judged();
    expect(response.response.auditAnnotations).not.toHaveProperty('policy_digest');
    expect(riskEvents[0]).not.toHaveProperty('policy_digest');
  });
});
