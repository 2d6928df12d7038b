// The report of requests riskgate denied, read from the audit log: 403 responses whose auditAnnotations carry riskgate's deny decision.
import { DECISION_ANNOTATION, ENFORCE_WEBHOOK } from '../kubernetes/webhook-names.js';
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

/**
 * Lists every request the enforce webhook denied: responseStatus.code=403 and decision=deny, with the ids of the
 * rules whose `<rule-id>.action` annotation is deny (every request rule of the catalog is checked, so denials made
 * under an older policy still name their rule).
 */
export function deniedRequestsSearch(rules: readonly Rule[]): string {
  const ruleIds = rules.filter((r) => r.type === 'request').map((r) => r.id);
  const perRule = ruleIds.map((id) => `if(${evalField(enforceAnnotationField(`${id}.action`))}="deny", ${evalString(id)}, null())`);
  return [
    `\`${AUDIT_INDEX_MACRO}\` responseStatus.code=403 ${searchField(enforceAnnotationField(DECISION_ANNOTATION))}=deny`,
    `eval rule_id=mvappend(${perRule.join(', ')})`,
    'rename sourceIPs{} as src_ip, user.username as user, impersonatedUser.username as impersonated_user',
    'table _time auditID user impersonated_user src_ip userAgent verb objectRef.resource objectRef.subresource objectRef.namespace objectRef.name rule_id responseStatus.message',
    'sort 0 - _time',
    `\`${DENIED_REQUESTS_FILTER}\``,
  ].join(' | ');
}
