// The report of requests riskgate denied, read from the audit log: 403 responses whose auditAnnotations carry riskgate's deny decision.
import { DECISION_ANNOTATION, ENFORCE_WEBHOOK, ruleAnnotationKey } from '../kubernetes/webhook-names.js';
import type { Rule } from '../rules/rule.js';
import { RISKGATE_APP_LABEL } from '../rules/search-name.js';
import { AUDIT_INDEX_MACRO } from './search-plan.js';
import { evalField, evalString, searchField } from './spl-literal.js';

export const DENIED_REQUESTS_NAME = `${RISKGATE_APP_LABEL} - Kubernetes Requests Denied at Admission`;
export const DENIED_REQUESTS_FILTER = 'riskgate_kubernetes_requests_denied_at_admission_filter';

/** The API server stores a webhook's auditAnnotations as `annotations.<webhook name>/<key>` in each audit event. */
export function enforceAnnotationField(key: string): string {
  return `annotations.${ENFORCE_WEBHOOK.name}/${key}`;
}

/** `if('<field of rule id>'="deny", <value>, null())` for each rule. */
function perDenyingRule(ruleIds: readonly string[], value: (id: string) => string): string {
  return ruleIds.map((id) => `if(${evalField(enforceAnnotationField(ruleAnnotationKey(id, 'action')))}="deny", ${value(id)}, null())`).join(', ');
}

/**
 * Lists every request the enforce webhook denied: responseStatus.code=403 and decision=deny, with the ids of the
 * rules whose `<rule-id>.action` annotation is deny (every request rule of the catalog is checked, so denials made
 * under an older policy still name their rule) and the `event_id`s of their risk events (`<rule-id>.event_id`, several
 * comma-joined), which `riskgate replay` gives the same request. A 500 `failed calling webhook` is not listed: riskgate
 * never judged that request (replay marks it `not-judged`).
 */
export function deniedRequestsSearch(rules: readonly Rule[]): string {
  const ruleIds = rules.filter((r) => r.type === 'request').map((r) => r.id);
  const eventIds = perDenyingRule(ruleIds, (id) => evalField(enforceAnnotationField(ruleAnnotationKey(id, 'event_id'))));
  return [
    `\`${AUDIT_INDEX_MACRO}\` responseStatus.code=403 ${searchField(enforceAnnotationField(DECISION_ANNOTATION))}=deny`,
    `eval rule_id=mvappend(${perDenyingRule(ruleIds, evalString)}), event_id=split(mvjoin(mvappend(${eventIds}), ","), ",")`,
    'rename sourceIPs{} as src_ip, user.username as user, impersonatedUser.username as impersonated_user',
    'table _time auditID user impersonated_user src_ip userAgent verb objectRef.resource objectRef.subresource objectRef.namespace objectRef.name rule_id event_id responseStatus.message',
    'sort 0 - _time',
    `\`${DENIED_REQUESTS_FILTER}\``,
  ].join(' | ');
}
