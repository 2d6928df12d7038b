// JSON report: the CheckReport in a stable, versioned shape (schema in json-report-schema.ts, documented in the README); an audit's objects carry their API path, uid and resourceVersion instead of file:line.
import type { AuditScope, CheckReport, CheckSummary, FailOn, FindingAction, ObjectOrigin, Outcome } from './check-report.js';
import { isLiveOrigin } from './check-report.js';
import type { Action } from '../engine/policy.js';

/** Bumped on any change that removes or renames a field; new fields may be added within a version. */
export const JSON_REPORT_VERSION = 1;

export interface JsonFinding {
  rule: string;
  action: FindingAction;
  summary: string;
  message: string;
  exemption?: string;
  riskScore: number;
}

/** check: where in which file; audit: the live object's API path, uid and resourceVersion. */
export type JsonOrigin = { file: string; line: number; column: number } | { path: string; uid: string; resourceVersion: string };

export type JsonObjectResult = JsonOrigin & {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  knownKind: boolean;
  outcome: Outcome;
  findings: JsonFinding[];
};

export interface JsonReport {
  version: typeof JSON_REPORT_VERSION;
  tool: { name: string; version: string };
  settings: { operation: string; namespace?: string; user: { username: string; groups: string[] }; policy: string; failOn: FailOn };
  /** audit only: the cluster read and the namespaces the audit was limited to ([]: all). */
  audit?: AuditScope;
  exitCode: 0 | 1 | 2;
  summary: CheckSummary;
  rules: Array<{ id: string; name: string; action: Action; escu: { id: string; name: string; version: number; url: string } }>;
  objects: JsonObjectResult[];
  errors: Array<{ code: string; file: string; line?: number; column?: number; message: string }>;
}

function jsonOrigin(origin: ObjectOrigin): JsonOrigin {
  if (isLiveOrigin(origin)) return { path: origin.path, uid: origin.uid, resourceVersion: origin.resourceVersion };
  return { file: origin.file, line: origin.line, column: origin.column };
}

export function toJsonReport(report: CheckReport): JsonReport {
  const { settings } = report;
  return {
    version: JSON_REPORT_VERSION,
    tool: report.tool,
    settings: {
      operation: settings.operation,
      ...(settings.namespace !== undefined ? { namespace: settings.namespace } : {}),
      user: { username: settings.user.username, groups: [...settings.user.groups] },
      policy: settings.policy,
      failOn: settings.failOn,
    },
    ...(report.audit ? { audit: { ...report.audit, namespaces: [...report.audit.namespaces] } } : {}),
    exitCode: report.exitCode,
    summary: report.summary,
    rules: report.rules.map(({ rule, action }) => ({
      id: rule.id,
      name: rule.name,
      action,
      escu: { id: rule.escu.id, name: rule.escu.name, version: rule.escu.version, url: rule.escu.url },
    })),
    objects: report.objects.map((o) => ({
      ...jsonOrigin(o.origin),
      apiVersion: o.apiVersion,
      kind: o.kind,
      namespace: o.namespace,
      name: o.name,
      knownKind: o.knownKind,
      outcome: o.outcome,
      findings: o.findings.map((f) => ({
        rule: f.rule.id,
        action: f.action,
        summary: f.summary,
        message: f.message,
        ...(f.exemption ? { exemption: f.exemption } : {}),
        riskScore: f.riskScore,
      })),
    })),
    errors: report.errors.map((e) => ({ ...e })),
  };
}

export function jsonReport(report: CheckReport): string {
  return `${JSON.stringify(toJsonReport(report), null, 2)}\n`;
}
