// The result of `riskgate check`: every object read with its findings and outcome, the input errors, the summary and exit code.
import type { Action } from '../engine/policy.js';
import type { ManifestOperation } from '../request/from-manifest.js';
import type { UserIdentity } from '../request/resource-request.js';
import type { RequestRule } from '../rules/rule.js';

/** What riskgate did with one finding: the policy's action, or `exempt` when an exemption applied. */
export type FindingAction = 'deny' | 'warn' | 'record' | 'exempt';
/** An object's outcome: its most severe finding action, `pass` when nothing matched (or every rule was off). */
export type Outcome = FindingAction | 'pass';
export const OUTCOME_SEVERITY: readonly Outcome[] = ['pass', 'exempt', 'record', 'warn', 'deny'];

/** `--fail-on deny` (default): only denials fail the run; `--fail-on warn`: warnings fail it too. */
export type FailOn = 'deny' | 'warn';

export interface ReportedFinding {
  rule: RequestRule;
  action: FindingAction;
  /** What matched, e.g. "Service default/web is of type NodePort". */
  summary: string;
  /** Summary, the rule's reason, and the exemption when one applied: the text every report prints. */
  message: string;
  /** e.g. `rule labels=riskgate.io/approved:node-agent`, set when action is exempt. */
  exemption?: string;
  /** Highest risk score among the rule's risk objects (what the risk event would carry). */
  riskScore: number;
}

/** A rule that selects the object (group, version, resource, operation), with the policy action it has. */
export interface ApplicableRule {
  rule: RequestRule;
  action: Action;
}

export interface CheckedObject {
  file: string;
  line: number;
  column: number;
  apiVersion: string;
  kind: string;
  /** The request's namespace ('' for cluster-scoped kinds). */
  namespace: string;
  name: string;
  /** false for kinds missing from the built-in kind table (custom resources): no rule can select them; they pass. */
  knownKind: boolean;
  applicableRules: ApplicableRule[];
  findings: ReportedFinding[];
  outcome: Outcome;
}

export interface InputError {
  code: string;
  file: string;
  /** Absent when the whole file or path could not be read. */
  line?: number;
  column?: number;
  message: string;
}

export interface CheckSummary {
  files: number;
  objects: number;
  denied: number;
  warned: number;
  recorded: number;
  exempted: number;
  passed: number;
  unknownKinds: number;
  errors: number;
}

export interface CheckSettings {
  operation: ManifestOperation;
  namespace: string;
  user: UserIdentity;
  /** Policy file, or "built-in". */
  policy: string;
  failOn: FailOn;
}

export interface CheckReport {
  tool: { name: string; version: string };
  settings: CheckSettings;
  /** Every request rule of the catalog, with its action under the policy (SARIF rule list, JSON rule list). */
  rules: ApplicableRule[];
  files: string[];
  objects: CheckedObject[];
  errors: InputError[];
  summary: CheckSummary;
  exitCode: 0 | 1 | 2;
}

/** `file:line:column` (or just `file` when the whole path failed). */
export function errorLocation(error: InputError): string {
  if (error.line === undefined) return error.file;
  return `${error.file}:${error.line}:${error.column ?? 1}`;
}

export function objectLabel(object: Pick<CheckedObject, 'kind' | 'namespace' | 'name'>): string {
  return `${object.kind}/${object.namespace || '-'}/${object.name || '-'}`;
}
