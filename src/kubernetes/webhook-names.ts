// Names and paths of riskgate's two webhook entries; the API server prefixes audit annotation keys with the webhook name.
/** Rules in deny mode: failurePolicy Fail, so enforcement cannot silently vanish when riskgate is down. */
export const ENFORCE_WEBHOOK = { name: 'enforce.riskgate.io', path: '/validate/enforce' } as const;
/** Rules in warn/record mode: failurePolicy Ignore, so a detection outage never blocks the cluster. */
export const OBSERVE_WEBHOOK = { name: 'observe.riskgate.io', path: '/validate/observe' } as const;
/** Every rule at once (local use, single-webhook setups). */
export const VALIDATE_PATH = '/validate';

/**
 * Audit annotation keys riskgate writes (the API server stores them as `<webhook name>/<key>`):
 * `decision` = deny | warn | record | exempt, and per rule `<rule-id>.action`, `<rule-id>.risk_score`,
 * `<rule-id>.exempted` and `<rule-id>.event_id` (the event_id of each risk event recorded, comma-joined).
 */
export const DECISION_ANNOTATION = 'decision';

/** `policy_digest`: which policy judged the request (`sha256:…` of the policy file, or `built-in`), next to `decision`. */
export const POLICY_DIGEST_ANNOTATION = 'policy_digest';

/** The per-rule keys, `<rule-id>.<name>`. */
export const RULE_ANNOTATIONS = ['action', 'risk_score', 'exempted', 'event_id'] as const;
export type RuleAnnotation = (typeof RULE_ANNOTATIONS)[number];

export function ruleAnnotationKey(ruleId: string, name: RuleAnnotation): string {
  return `${ruleId}.${name}`;
}
