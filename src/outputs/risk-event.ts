// Builds RBA risk events (the ESCU `rba:` fields: risk object, score, message, threat objects, MITRE ids) from verdicts.
import { createHash } from 'node:crypto';
import type { Finding } from '../engine/finding.js';
import { fillTokens } from '../engine/finding.js';
import type { ActiveAction, Decision } from '../engine/decide.js';
import { searchName } from '../rules/search-name.js';
import type { RequestSource } from '../request/resource-request.js';

export interface RiskEvent {
  /** Stable id: the same finding always yields the same id, so sinks can deliver at least once and Splunk can dedup. */
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
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function eventId(finding: Finding, riskObject: string): string {
  const key = [finding.rule.id, finding.fields['uid'] ?? finding.fields['series'] ?? finding.summary, riskObject].join('\u0000');
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

/** One risk event per risk object of the rule (ESCU semantics); threat objects are attached to each. */
export function riskEventsOf(finding: Finding, action: ActiveAction, time: Date, source: RequestSource | 'metrics'): RiskEvent[] {
  const { rule, fields } = finding;
  const threats = rule.risk.threatObjects.flatMap((t) => asList(fields[t.field]).map((value) => ({ value, type: t.type })));
  return rule.risk.riskObjects.flatMap((ro) =>
    asList(fields[ro.field]).map((riskObject) => ({
      event_id: eventId(finding, riskObject),
      time: time.toISOString(),
      search_name: searchName(rule),
      rule_id: rule.id,
      action,
      source,
      risk_object: riskObject,
      risk_object_type: ro.type,
      risk_score: ro.score,
      risk_message: fillTokens(rule.risk.message, fields),
      threat_object: threats.map((t) => t.value),
      threat_object_type: threats.map((t) => t.type),
      annotations: { mitre_attack: [...rule.risk.mitreAttack] },
      analyticstories: [...rule.risk.analyticStories],
      summary: finding.summary,
      fields,
    })),
  );
}

/** The risk events a decision records: none for dry-run requests. */
export function riskEventsOfDecision(decision: Decision, time: Date): RiskEvent[] {
  return decision.verdicts.flatMap((v) => {
    const request = v.finding.request;
    if (request?.dryRun) return [];
    return riskEventsOf(v.finding, v.action, time, request?.source ?? 'metrics');
  });
}
