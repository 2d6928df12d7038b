// One admission review, pure: decoded JSON body + policy + rules + clock → the AdmissionReview answer, risk events, decision.
import { decide } from '../engine/decide.js';
import type { Decision } from '../engine/decide.js';
import { evaluate } from '../engine/evaluate.js';
import { withNamespaceLabels } from '../engine/namespace-labels.js';
import type { NamespaceLabels } from '../engine/namespace-labels.js';
import type { Policy } from '../engine/policy.js';
import type { AdmissionReviewResponse } from '../kubernetes/admission-review.js';
import { admissionResponse } from '../outputs/admission-response.js';
import { riskEventsOfDecision } from '../outputs/risk-event.js';
import type { RiskEvent } from '../outputs/risk-event.js';
import { fromAdmissionReview } from '../request/from-admission-review.js';
import type { ResourceRequest } from '../request/resource-request.js';
import type { Rule } from '../rules/rule.js';
import type { ReviewScope } from './review-scope.js';
import { scopedPolicy } from './review-scope.js';

export interface ReviewInput {
  /** The parsed JSON body, not yet validated. */
  body: unknown;
  policy: Policy;
  rules: readonly Rule[];
  now: Date;
  scope: ReviewScope;
  /** The labels of request.namespace's Namespace (serve --watch-namespaces), for namespaceLabels exemptions. */
  namespaceLabels?: NamespaceLabels;
}

export interface ReviewResult {
  scope: ReviewScope;
  request: ResourceRequest;
  decision: Decision;
  response: AdmissionReviewResponse;
  /** Empty for dry-run requests: they get the same answer but record nothing. */
  riskEvents: RiskEvent[];
}

/** Throws a DecodeError (code + field) when the body is not an AdmissionReview riskgate can read. */
export function reviewAdmission({ body, policy, rules, now, scope, namespaceLabels }: ReviewInput): ReviewResult {
  const { apiVersion, request } = fromAdmissionReview(body);
  withNamespaceLabels(request, namespaceLabels);
  const effective = scopedPolicy(policy, scope);
  const decision = decide(evaluate(request, rules), effective, now);
  // Built once: the events go to the sinks and their ids into the audit annotations.
  const riskEvents = riskEventsOfDecision(decision, now);
  return { scope, request, decision, response: admissionResponse(apiVersion, request.uid, decision, policy.source, riskEvents), riskEvents };
}
