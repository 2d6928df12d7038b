// What the cluster audit found, as the auditor page shows it: current violations per rule and namespace, read from riskgate's PolicyReports.
import { matchesPattern } from '../engine/exemption.js';
import type { PolicyReport } from '../cluster-audit/policy-report.js';
import { LEFT_OUT_ANNOTATION } from '../cluster-audit/policy-report.js';

export interface AuditRow {
  rule: string;
  /** '' for cluster-scoped objects (the ClusterPolicyReport). */
  namespace: string;
  /** Objects that would be refused if created now (deny rules). */
  fail: number;
  /** Objects a warn or record rule flags. */
  warn: number;
  /** Findings an exemption covers (or the rule is off). */
  skip: number;
}

export interface AuditFindings {
  /** When the newest result was written (ISO), or undefined when there is none. */
  auditedAt?: string;
  reports: number;
  /** Objects checked per rule that passed, failed, warned or were skipped, over every report (the summaries). */
  totals: { fail: number; warn: number; skip: number; pass: number };
  /** Results a full report left out (its summary still counts them; the rows below do not). */
  leftOut: number;
  /** Rule and namespace pairs with a violation now, most failing first. */
  rows: AuditRow[];
}

export interface AuditScope {
  rule?: string;
  namespace?: string;
}

function inScope(rule: string, namespace: string, scope: AuditScope): boolean {
  return (!scope.rule || matchesPattern(rule, scope.rule)) && (!scope.namespace || matchesPattern(namespace, scope.namespace));
}

export function auditFindings(reports: readonly PolicyReport[], scope: AuditScope = {}): AuditFindings {
  const rows = new Map<string, AuditRow>();
  const totals = { fail: 0, warn: 0, skip: 0, pass: 0 };
  let newest = 0;
  let leftOut = 0;
  for (const report of reports) {
    const namespace = report.metadata.namespace ?? '';
    leftOut += Number(report.metadata.annotations?.[LEFT_OUT_ANNOTATION] ?? 0) || 0;
    for (const result of report.results ?? []) {
      newest = Math.max(newest, (result.timestamp?.seconds ?? 0) * 1000);
      if (!inScope(result.rule, namespace, scope)) continue;
      if (result.result === 'fail' || result.result === 'warn' || result.result === 'skip' || result.result === 'pass') totals[result.result]++;
      if (result.result !== 'fail' && result.result !== 'warn' && result.result !== 'skip') continue;
      const key = `${result.rule}\n${namespace}`;
      let row = rows.get(key);
      if (!row) rows.set(key, (row = { rule: result.rule, namespace, fail: 0, warn: 0, skip: 0 }));
      row[result.result]++;
    }
  }
  const sorted = [...rows.values()]
    .filter((r) => r.fail + r.warn > 0)
    .sort((a, b) => b.fail - a.fail || b.warn - a.warn || a.rule.localeCompare(b.rule) || a.namespace.localeCompare(b.namespace));
  return { ...(newest > 0 ? { auditedAt: new Date(newest).toISOString() } : {}), reports: reports.length, totals, leftOut, rows: sorted };
}
