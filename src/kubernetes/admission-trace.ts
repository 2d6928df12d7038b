// Reads what admission left in an audit event: riskgate's per-rule audit annotations (whatever the webhook names) and a webhook call that failed.
import type { AuditEvent } from './audit-event.js';
import type { RuleAnnotation } from './webhook-names.js';
import { DECISION_ANNOTATION, POLICY_DIGEST_ANNOTATION, RULE_ANNOTATIONS } from './webhook-names.js';

/** What riskgate's webhook wrote about one rule. */
export interface RuleTrace {
  action?: string;
  exempted?: string;
  /** The event_id of each risk event it recorded, in order; empty when none (dry-run, exempted). */
  eventIds: string[];
}

/** A webhook the API server could not get an answer from. */
export interface FailedWebhook {
  name: string;
  /** `refused`: failurePolicy Fail, the request got a 500; `failed-open`: failurePolicy Ignore, it went on without the webhook. */
  outcome: 'refused' | 'failed-open';
}

export interface AdmissionTrace {
  /** riskgate's `decision` annotation; with both of its webhooks in the event, the stronger one. */
  decision?: string;
  /** The digest of the policy the live webhook judged under (its `policy_digest` annotation; the first webhook's when several). */
  policyDigest?: string;
  rules: ReadonlyMap<string, RuleTrace>;
  failedWebhook?: FailedWebhook;
}

/** The API server's InternalError when calling a Fail webhook failed: `…failed calling webhook "<name>": …`. */
const FAILED_CALL = /failed calling webhook "([^"]+)"/;
/** The key the API server writes when an Ignore webhook failed; the value is the webhook name. */
const FAILED_OPEN_PREFIX = 'failed-open.validating.webhook.admission.k8s.io/';
const DECISION_ORDER = ['deny', 'warn', 'record', 'exempt'];

export const NO_TRACE: AdmissionTrace = { rules: new Map() };
/** The live action of a finding whose request riskgate never judged. */
export const NOT_JUDGED = 'not-judged';

function isRuleAnnotation(name: string): name is RuleAnnotation {
  return (RULE_ANNOTATIONS as readonly string[]).includes(name);
}

function failedWebhookOf(event: AuditEvent): FailedWebhook | undefined {
  const status = event.responseStatus;
  const refused = status?.code === 500 ? FAILED_CALL.exec(status.message ?? '') : null;
  if (refused) return { name: refused[1]!, outcome: 'refused' };
  for (const [key, value] of Object.entries(event.annotations ?? {})) {
    if (key.startsWith(FAILED_OPEN_PREFIX)) return { name: value, outcome: 'failed-open' };
  }
  return undefined;
}

function stronger(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  const rank = (d: string) => (DECISION_ORDER.includes(d) ? DECISION_ORDER.indexOf(d) : DECISION_ORDER.length);
  return rank(a) <= rank(b) ? a : b;
}

/**
 * riskgate's keys are found by their rule-specific suffix `<webhook>/<rule-id>.<action|risk_score|exempted|event_id>`
 * for a rule id riskgate knows, so the webhook entries may have any name; the `decision` of those same entries is read
 * with them (a bare `<webhook>/decision` could be any webhook's).
 */
export function admissionTraceOf(event: AuditEvent, ruleIds: ReadonlySet<string>): AdmissionTrace {
  const rules = new Map<string, RuleTrace>();
  const webhooks = new Set<string>();
  const annotations = event.annotations ?? {};
  for (const [key, value] of Object.entries(annotations)) {
    const slash = key.indexOf('/');
    const dot = key.lastIndexOf('.');
    if (slash < 0 || dot < slash) continue;
    const ruleId = key.slice(slash + 1, dot);
    const name = key.slice(dot + 1);
    if (!isRuleAnnotation(name) || !ruleIds.has(ruleId)) continue;
    webhooks.add(key.slice(0, slash));
    let trace = rules.get(ruleId);
    if (!trace) rules.set(ruleId, (trace = { eventIds: [] }));
    if (name === 'action') trace.action = value;
    else if (name === 'exempted') trace.exempted = value;
    else if (name === 'event_id') trace.eventIds = value.split(',').filter((id) => id !== '');
  }
  let decision: string | undefined;
  let policyDigest: string | undefined;
  for (const webhook of webhooks) {
    decision = stronger(decision, annotations[`${webhook}/${DECISION_ANNOTATION}`]);
    policyDigest ??= annotations[`${webhook}/${POLICY_DIGEST_ANNOTATION}`];
  }
  const failedWebhook = failedWebhookOf(event);
  return { rules, ...(decision !== undefined ? { decision } : {}), ...(policyDigest !== undefined ? { policyDigest } : {}), ...(failedWebhook ? { failedWebhook } : {}) };
}

/**
 * What the live webhook did about a rule: its action, `exempt`, `not-judged` (no riskgate annotation for the rule and
 * the API server failed calling a webhook: riskgate neither denied nor recorded it), or undefined when the log does
 * not say (riskgate not installed then, or it found nothing).
 */
export function liveActionOf(trace: AdmissionTrace, ruleId: string): string | undefined {
  const rule = trace.rules.get(ruleId);
  if (rule?.action !== undefined) return rule.action;
  if (rule?.exempted !== undefined) return 'exempt';
  return trace.failedWebhook ? NOT_JUDGED : undefined;
}
