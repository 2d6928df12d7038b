// One wg-policy result per live object and rule (pure): the policy action and finding → pass/fail/warn/skip, severity from the risk score, the ESCU id and exemption as properties.
import type { CheckedObject, ReportedFinding } from '../check/check-report.js';
import type { Action } from '../engine/policy.js';
import type { RequestRule } from '../rules/rule.js';

export type PolicyResultValue = 'pass' | 'fail' | 'warn' | 'error' | 'skip';
export type PolicySeverity = 'critical' | 'high' | 'medium' | 'low' | 'info';
/** Most pressing first: the order results are kept in when a report is full. */
export const RESULT_RANK: readonly PolicyResultValue[] = ['fail', 'warn', 'error', 'skip', 'pass'];

export interface ObjectReference {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid: string;
}

export interface PolicyTimestamp {
  seconds: number;
  nanos: number;
}

/** A PolicyReportResult of wgpolicyk8s.io/v1alpha2 (field names as the CRD has them). */
export interface PolicyReportResult {
  source: 'riskgate';
  policy: string;
  rule: string;
  category: string;
  severity: PolicySeverity;
  timestamp: PolicyTimestamp;
  result: PolicyResultValue;
  scored: boolean;
  resources: ObjectReference[];
  message: string;
  properties: Record<string, string>;
}

/** The `policy` of every result: riskgate's policy (its file, or the built-in one) holds the rules the results are for. */
export const POLICY_NAME = 'riskgate';

/**
 * The rule's highest risk score as a severity, in the bands Splunk ES uses for risk scores (0–19 info, 20–39 low,
 * 40–59 medium, 60–79 high, 80 and above critical).
 */
export function severityOf(score: number): PolicySeverity {
  if (score >= 80) return 'critical';
  if (score >= 60) return 'high';
  if (score >= 40) return 'medium';
  if (score >= 20) return 'low';
  return 'info';
}

/**
 * deny → fail: created now, it would be refused. warn and record → warn: wg-policy's "requirements not met, not
 * scored" (allowed, but a finding). An exempted finding and an off rule → skip. No finding → pass. Only deny rules are
 * scored: they are the ones that decide.
 */
export function resultOf(action: Action, finding: ReportedFinding | undefined): PolicyResultValue {
  if (action === 'off') return 'skip';
  if (!finding) return 'pass';
  if (finding.action === 'exempt') return 'skip';
  return finding.action === 'deny' ? 'fail' : 'warn';
}

function riskScore(rule: RequestRule): number {
  return Math.max(0, ...rule.risk.riskObjects.map((r) => r.score));
}

function messageOf(object: CheckedObject, rule: RequestRule, action: Action, finding: ReportedFinding | undefined): string {
  if (action === 'off') return `rule ${rule.id} is off in the policy`;
  if (finding) return finding.message;
  return `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name} does not match rule ${rule.id}`;
}

export function referenceOf(object: CheckedObject, uid: string): ObjectReference {
  return { apiVersion: object.apiVersion, kind: object.kind, ...(object.namespace ? { namespace: object.namespace } : {}), name: object.name, uid };
}

/** Every result of one object: one per rule that selects it on CREATE, in catalog order. */
export function objectResults(object: CheckedObject, uid: string, timestamp: PolicyTimestamp): PolicyReportResult[] {
  return object.applicableRules.map(({ rule, action }) => {
    const finding = object.findings.find((f) => f.rule.id === rule.id);
    const score = riskScore(rule);
    return {
      source: 'riskgate',
      policy: POLICY_NAME,
      rule: rule.id,
      category: rule.risk.analyticStories[0] ?? 'Kubernetes',
      severity: severityOf(score),
      timestamp,
      result: resultOf(action, finding),
      scored: action === 'deny',
      resources: [referenceOf(object, uid)],
      message: messageOf(object, rule, action, finding),
      properties: {
        action,
        risk_score: String(score),
        escu_id: rule.escu.id,
        escu_detection: rule.escu.name,
        mitre_attack: rule.risk.mitreAttack.join(','),
        ...(finding?.exemption ? { exemption: finding.exemption } : {}),
      },
    };
  });
}
