// The result of `riskgate check` and `riskgate audit`: every object judged with its findings and outcome, the input errors, the summary and exit code.
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

/** Where `riskgate check` read an object: its first key in a manifest file. */
export interface FileOrigin {
  file: string;
  line: number;
  column: number;
}

/** Where `riskgate audit` found an object: live in a cluster, at its API path, as of its resourceVersion. */
export interface LiveOrigin {
  /** The kubeconfig context (or `in-cluster`) the audit read the cluster through. */
  cluster: string;
  /** e.g. /api/v1/namespaces/default/services/web */
  path: string;
  uid: string;
  resourceVersion: string;
}

export type ObjectOrigin = FileOrigin | LiveOrigin;

export function isLiveOrigin(origin: ObjectOrigin): origin is LiveOrigin {
  return 'path' in origin;
}

export interface CheckedObject {
  origin: ObjectOrigin;
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
  /** Manifest files read (0 for an audit). */
  files: number;
  /** audit only: namespaces the judged objects live in. */
  namespaces?: number;
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
  /** check: the namespace of namespaced objects without metadata.namespace; absent for an audit. */
  namespace?: string;
  user: UserIdentity;
  /** Policy file, or "built-in". */
  policy: string;
  failOn: FailOn;
}

/** What an audit read: the cluster, and the namespaces it was limited to (none: all of them). */
export interface AuditScope {
  cluster: string;
  server: string;
  namespaces: string[];
}

export interface CheckReport {
  tool: { name: string; version: string };
  settings: CheckSettings;
  /** Set for `riskgate audit`: the report is about live objects, not files. */
  audit?: AuditScope;
  /** Every request rule of the catalog, with its action under the policy (SARIF rule list, JSON rule list). */
  rules: ApplicableRule[];
  files: string[];
  objects: CheckedObject[];
  errors: InputError[];
  /** Objects judged with a caveat (a retired API version judged as its replacement); printed on stderr, exit code unchanged. */
  warnings?: InputError[];
  summary: CheckSummary;
  /** Set when no object was found and --allow-empty was not given: nothing was checked, exit 2. */
  empty?: boolean;
  exitCode: 0 | 1 | 2;
}

/** `file:line:column` (or just `file` when the whole path failed). */
export function errorLocation(error: InputError): string {
  if (error.line === undefined) return error.file;
  return `${error.file}:${error.line}:${error.column ?? 1}`;
}

/** A manifest object as `kind/namespace/name`; a live object as `namespace/kind/name` (as an audit lists them, by namespace). */
export function objectLabel(object: Pick<CheckedObject, 'origin' | 'kind' | 'namespace' | 'name'>): string {
  if (isLiveOrigin(object.origin)) return `${object.namespace || '-'}/${object.kind}/${object.name}`;
  return `${object.kind}/${object.namespace || '-'}/${object.name || '-'}`;
}
