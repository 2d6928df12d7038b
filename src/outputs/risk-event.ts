// Builds RBA risk events (the ESCU `rba:` fields: risk object, score, message, threat objects, MITRE ids) from verdicts.
import { hash } from 'node:crypto';
import type { Finding } from '../engine/finding.js';
import { fillTokens } from '../engine/finding.js';
import type { ActiveAction, Decision } from '../engine/decide.js';
import { searchName } from '../rules/search-name.js';
import type { RequestSource } from '../request/resource-request.js';

export interface RiskEvent {
  /**
   * Stable id of one request's finding for one risk object: a hash of rule, request uid (AdmissionReview uid, or the
   * auditID for an audit event) and risk object. The webhook writes it into its audit annotations and replay reuses it,
   * so sinks can deliver at least once and Splunk can dedup live and replayed events alike.
   */
  event_id: string;
  /** ISO-8601 time of the decision. */
  time: string;
  search_name: string;
  rule_id: string;
  action: ActiveAction;
  source: RequestSource | 'metrics';
  risk_object: string;
  risk_object_type: string;
  risk_score: number;
  risk_message: string;
  threat_object: string[];
  threat_object_type: string[];
  annotations: { mitre_attack: string[] };
  analyticstories: string[];
  summary: string;
  /** The finding's result row (user, user_groups, src_ip, kind, namespace, name, operation, uid… or host, pid…). */
  fields: Record<string, string | string[]>;
  /** The digest of the policy that judged (`sha256:…` of its file, or `built-in`), when the judge knew it (serve). */
  policy_digest?: string;
  /** Replay only: what the live webhook did (its action, `exempt`, or `not-judged`) when that differs from `action`. */
  admission_action?: string;
  /** Replay only, with `not-judged`: the webhook the API server failed to call. */
  unreachable_webhook?: string;
  /** Replay only, with `exempt`: the exemption the webhook named, its block's reason and end included. */
  admission_exemption?: string;
  /** Replay only: the digest of the policy the live webhook judged under (its `policy_digest` audit annotation). */
  admission_policy_digest?: string;
}

/** The values of a result-row field: none, one, or a multivalue's. */
function valuesOf(value: string | string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

function eventId(finding: Finding, riskObject: string): string {
  const key = `${finding.rule.id}\u0000${String(finding.fields['uid'] ?? finding.fields['series'] ?? finding.summary)}\u0000${riskObject}`;
  return hash('sha256', key, 'hex').slice(0, 32);
}

/** The id the live webhook gave the same risk events, when it recorded exactly as many for the rule (positional). */
export type LiveEventIds = (ruleId: string) => readonly string[] | undefined;

/**
 * One risk event per risk object of the rule (ESCU semantics); threat objects are attached to each. `liveIds` (replay)
 * are the ids the webhook recorded for this rule and request, reused in order when there is one per risk object.
 */
export function riskEventsOf(finding: Finding, action: ActiveAction, time: Date, source: RequestSource | 'metrics', liveIds?: readonly string[], policyDigest?: string): RiskEvent[] {
  const { rule, fields } = finding;
  const threatObject: string[] = [];
  const threatObjectType: string[] = [];
  for (const threat of rule.risk.threatObjects) {
    for (const value of valuesOf(fields[threat.field])) {
      threatObject.push(value);
      threatObjectType.push(threat.type);
    }
  }
  const events: RiskEvent[] = [];
  // What every risk object's event shares, made once per finding.
  const at = time.toISOString();
  const name = searchName(rule);
  const message = fillTokens(rule.risk.message, fields);
  for (const riskObject of rule.risk.riskObjects) {
    for (const value of valuesOf(fields[riskObject.field])) {
      const event: RiskEvent = {
        event_id: '',
        time: at,
        search_name: name,
        rule_id: rule.id,
        action,
        source,
        risk_object: value,
        risk_object_type: riskObject.type,
        risk_score: riskObject.score,
        risk_message: message,
        threat_object: [...threatObject],
        threat_object_type: [...threatObjectType],
        annotations: { mitre_attack: [...rule.risk.mitreAttack] },
        analyticstories: [...rule.risk.analyticStories],
        summary: finding.summary,
        fields,
      };
      if (policyDigest !== undefined) event.policy_digest = policyDigest;
      events.push(event);
    }
  }
  // The live webhook's ids are reused in order only when it recorded one per risk object.
  const reuse = liveIds !== undefined && liveIds.length === events.length;
  for (let i = 0; i < events.length; i++) events[i]!.event_id = reuse ? liveIds[i]! : eventId(finding, events[i]!.risk_object);
  return events;
}

/** The risk events a decision records: none for dry-run requests. */
export function riskEventsOfDecision(decision: Decision, time: Date, liveIds?: LiveEventIds): RiskEvent[] {
  return decision.verdicts.flatMap((v) => {
    const request = v.finding.request;
    if (request?.dryRun) return [];
    return riskEventsOf(v.finding, v.action, time, request?.source ?? 'metrics', liveIds?.(v.finding.rule.id), decision.policyDigest);
  });
}
