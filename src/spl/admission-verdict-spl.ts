// riskgate's own verdict in an audit event: the `<webhook>/<rule-id>.action` annotation its live webhook wrote, read whatever the webhook is named.
import { ruleAnnotationKey } from '../kubernetes/webhook-names.js';
import type { RequestRule } from '../rules/rule.js';
import type { SplExpr } from './condition-spl.js';
import { evalString } from './spl-literal.js';

/** The field that collects the live action(s) (deny, warn, record) riskgate's webhooks wrote for the rule. */
export const ADMISSION_ACTION = 'admission_action';

export interface AdmissionVerdict {
  /** The wildcard field name of the annotation: `annotations.` then `*` (any webhook name) then `/<rule-id>.action`. */
  pattern: string;
  /** The raw-text phrase every such event holds, for the base search to select them before any field is read. */
  phrase: string;
}

/**
 * The API server stores a webhook's audit annotations as `annotations.<webhook name>/<key>`, and the names differ per
 * install. The search command matches wildcards in values only; `foreach` takes a wildcard field list, so it reads
 * the key under any webhook name, as replay does (by the `<rule-id>.action` suffix).
 */
export function admissionVerdictOf(rule: RequestRule): AdmissionVerdict {
  const key = ruleAnnotationKey(rule.id, 'action');
  return { pattern: `annotations.*/${key}`, phrase: evalString(key) };
}

/** The foreach stage that collects the annotation's values under every webhook name into admission_action. */
export function verdictStage(verdict: AdmissionVerdict): string {
  return `foreach ${verdict.pattern} [eval ${ADMISSION_ACTION}=mvappend(${ADMISSION_ACTION}, '<<FIELD>>')]`;
}

/** The events whose riskgate annotation names the rule: the live webhook found it (under the policy then in force). */
export const VERDICT_LEAF: SplExpr = { op: 'leaf', eval: `isnotnull(${ADMISSION_ACTION})`, required: [] };
