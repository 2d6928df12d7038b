// The risk events a drill's answered reviews must have recorded, computed by the same pure review the server runs (event ids are stable per uid).
import { policyDigest } from '../../src/policy/policy-store.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import type { Policy } from '../../src/engine/policy.js';
import { RULES } from '../../src/rules/catalog.js';
import { reviewAdmission } from '../../src/webhook/review.js';
import type { AdmissionReviewResponse } from '../../src/kubernetes/admission-review.js';
import type { LoadBody, Outcome } from './review-load.js';
import { withUid } from './webhook-harness.js';

/** The policy as serve holds it after reading the file: parsed, and stamped with the file's digest. */
export function policyOf(text: string, source: string): Policy {
  return { ...parsePolicy(text, source, RULES), digest: policyDigest(text) };
}

function bodyOf(bodies: readonly LoadBody[], kind: string): unknown {
  const found = bodies.find((b) => b.kind === kind);
  if (!found) throw new Error(`no body of kind ${kind}`);
  return found.body;
}

/** What the server answers for this outcome's request under `policy` (the whole AdmissionReview) and the events it records. */
export function expectedReview(outcome: Outcome, bodies: readonly LoadBody[], policy: Policy): { response: AdmissionReviewResponse; eventIds: string[] } {
  const result = reviewAdmission({ body: withUid(bodyOf(bodies, outcome.kind), outcome.uid), policy, rules: RULES, now: new Date(), scope: 'all' });
  return { response: result.response, eventIds: result.riskEvents.map((e) => e.event_id) };
}

/** Event ids the answered outcomes must have recorded under `policy`. */
export function expectedEventIds(outcomes: readonly Outcome[], bodies: readonly LoadBody[], policy: Policy): Set<string> {
  return new Set(outcomes.filter((o) => o.status === 200).flatMap((o) => expectedReview(o, bodies, policy).eventIds));
}
