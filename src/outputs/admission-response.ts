// Writes the AdmissionReview answer for a decision: deny status, kubectl warnings and audit annotations, in the version received.
import type { AdmissionApiVersion, AdmissionResponse, AdmissionReviewResponse } from '../kubernetes/admission-review.js';
import type { Decision, Verdict } from '../engine/decide.js';
import { verdictsWith } from '../engine/decide.js';
import { DECISION_ANNOTATION, POLICY_DIGEST_ANNOTATION, ruleAnnotationKey } from '../kubernetes/webhook-names.js';
import type { RiskEvent } from './risk-event.js';

/** Kubernetes truncates nothing but kubectl prints each warning on one line: keep them short. */
export const MAX_WARNING_LENGTH = 120;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The deny message's last sentence: every kind of exemption a cluster admin can grant, and where. */
export function exemptionHint(ruleIds: string, policySource: string): string {
  return (
    `To be exempted, ask a cluster admin to add your namespace (or one of its labels), user, group, service account or ` +
    `an object label to rules.<rule>.exemptions (${ruleIds}) in the riskgate policy (${policySource}).`
  );
}

export function denyMessage(denials: Verdict[], policySource: string): string {
  const parts = denials.map(({ finding }) => `rule ${finding.rule.id} (${finding.rule.name}): ${finding.summary}; ${finding.rule.reason}`);
  const ids = denials.map((d) => d.finding.rule.id).join(', ');
  return `riskgate denied this request: ${parts.join(' | ')}. ${exemptionHint(ids, policySource)}`;
}

function warningOf({ finding }: Verdict): string {
  return clip(`riskgate ${finding.rule.id}: ${finding.summary}`, MAX_WARNING_LENGTH);
}

/** The event_id of each risk event, comma-joined per rule in the order the events were built. */
function eventIdsByRule(riskEvents: readonly RiskEvent[]): Map<string, string> {
  const ids = new Map<string, string>();
  for (const { rule_id, event_id } of riskEvents) {
    const before = ids.get(rule_id);
    ids.set(rule_id, before === undefined ? event_id : `${before},${event_id}`);
  }
  return ids;
}

/**
 * Audit annotation keys are prefixed by the API server with the webhook name: `<webhook>/<key>`. `<rule>.event_id`
 * carries the ids of the risk events recorded for the rule (none for dry-run requests), so `riskgate replay` of the
 * audit log gives its findings the same ids.
 */
export function auditAnnotationsOf(decision: Decision, riskEvents: readonly RiskEvent[]): Record<string, string> {
  const annotations: Record<string, string> = {};
  for (const { finding, action } of decision.verdicts) {
    annotations[ruleAnnotationKey(finding.rule.id, 'action')] = action;
    annotations[ruleAnnotationKey(finding.rule.id, 'risk_score')] = String(Math.max(...finding.rule.risk.riskObjects.map((r) => r.score)));
  }
  for (const [ruleId, ids] of eventIdsByRule(riskEvents)) annotations[ruleAnnotationKey(ruleId, 'event_id')] = ids;
  for (const { finding, exemption } of decision.exempted) annotations[ruleAnnotationKey(finding.rule.id, 'exempted')] = exemption;
  if (decision.verdicts.length > 0 || decision.exempted.length > 0) {
    annotations[DECISION_ANNOTATION] = !decision.allowed ? 'deny' : verdictsWith(decision, 'warn').length > 0 ? 'warn' : decision.verdicts.length > 0 ? 'record' : 'exempt';
    if (decision.policyDigest !== undefined) annotations[POLICY_DIGEST_ANNOTATION] = decision.policyDigest;
  }
  return annotations;
}

export function admissionResponse(
  apiVersion: AdmissionApiVersion,
  uid: string,
  decision: Decision,
  policySource: string,
  riskEvents: readonly RiskEvent[],
): AdmissionReviewResponse {
  const response: AdmissionResponse = { uid, allowed: decision.allowed };
  if (decision.verdicts.length === 0 && decision.exempted.length === 0) return { apiVersion, kind: 'AdmissionReview', response };
  const denials = verdictsWith(decision, 'deny');
  if (denials.length > 0) response.status = { code: 403, reason: 'Forbidden', message: denyMessage(denials, policySource) };
  const warnings = verdictsWith(decision, 'warn').map(warningOf);
  if (warnings.length > 0) response.warnings = warnings;
  const annotations = auditAnnotationsOf(decision, riskEvents);
  if (Object.keys(annotations).length > 0) response.auditAnnotations = annotations;
  return { apiVersion, kind: 'AdmissionReview', response };
}
