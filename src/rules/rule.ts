// Rule data types: a detection is data (match, condition, risk metadata, ESCU provenance) read by the evaluator and the SPL writer.
import type { Operation } from '../request/resource-request.js';

/**
 * A path into the request, rooted at `object`, `oldObject` or `request`.
 * Dot-separated keys; `[*]` walks every array element, `[N]` one element.
 * Examples: `object.spec.type`, `object.spec.ports[*].nodePort`, `request.subResource`.
 */
export type FieldPath = string;

export type Scalar = string | number | boolean;

/** A condition over the request; every path may resolve to several values (like a multivalue SPL field). */
export type Condition =
  | { field: FieldPath; equals: Scalar }
  | { field: FieldPath; notEquals: Scalar }
  | { field: FieldPath; in: Scalar[] }
  | { field: FieldPath; matches: string }
  | { field: FieldPath; exists: boolean }
  /** Values at `field` in object that are absent at the same path in oldObject (path must start with `object.`). */
  | { field: FieldPath; addedValues: true }
  /** The subtree at `field` differs between object and oldObject (path must start with `object.`). */
  | { field: FieldPath; changed: true }
  | { allOf: Condition[] }
  | { anyOf: Condition[] }
  | { not: Condition };

/** Which requests a rule looks at, in the vocabulary of a ValidatingWebhookConfiguration rule. */
export interface RuleMatch {
  apiGroups: string[];
  apiVersions: string[];
  /** Plural resources, with subresources as `pods/exec`. */
  resources: string[];
  operations: Operation[];
}

export type RiskObjectType = 'user' | 'system' | 'other';

export interface RiskObject {
  /** Field of the finding (like an SPL result field) that holds the risk object. */
  field: string;
  type: RiskObjectType;
  score: number;
}

export interface ThreatObject {
  field: string;
  type: string;
}

/** The ESCU `rba:` block plus the tags that travel with every risk event. */
export interface RiskMetadata {
  /** Message with `$field$` tokens filled from the finding's fields. */
  message: string;
  riskObjects: RiskObject[];
  threatObjects: ThreatObject[];
  mitreAttack: string[];
  analyticStories: string[];
}

/** Where the rule comes from: the ESCU detection it implements or extends. */
export interface EscuReference {
  /** ESCU detection name, e.g. "Kubernetes Node Port Creation". */
  name: string;
  id: string;
  version: number;
  date: string;
  /** true when this rule is the ESCU detection itself; false for riskgate's extensions of it. */
  isSeed: boolean;
  url: string;
}

interface RuleBase {
  /** kebab-case id used by the policy, e.g. `kubernetes-node-port-creation`. */
  id: string;
  /** Human title; for seed rules the ESCU detection name. */
  name: string;
  description: string;
  escu: EscuReference;
  risk: RiskMetadata;
  /** One sentence saying why a match is risky; used in deny messages and warnings. */
  reason: string;
  /** What matched, with `$field$` tokens from the finding, e.g. "Service $namespace$/$name$ is of type NodePort". */
  summary: string;
}

/**
 * A result-row field a request rule adds to the common ones (user, namespace, name…), read from a request path;
 * several values are joined with `join` when given (e.g. the exec command `sh -c id`), kept multivalue otherwise.
 */
export interface RowField {
  name: string;
  path: FieldPath;
  join?: string;
}

/** A rule evaluated on one request (admission, manifest or audit event). */
export interface RequestRule extends RuleBase {
  type: 'request';
  match: RuleMatch;
  condition?: Condition;
  rowFields?: RowField[];
}

/** A metric dimension renamed in the result row, as SPL `rename k8s.cluster.name as host`. */
export interface DimensionRename {
  from: string;
  to: string;
}

/**
 * Data of the newly-seen-edge detector and of its mstats search: an edge (cluster, source workload, destination
 * workload) with data points of `metric` now, and none in the baseline window before, is new.
 */
export interface NewlySeenEdgeMetrics {
  /** The SPL index macro the metrics live under. */
  indexMacro: string;
  /** Counted per edge (SPL `count(tcp.packets)`): each data point marks the edge as seen. */
  metric: string;
  /** Name of the count in the result row (SPL `as tcp.packets_count`). */
  countField: string;
  clusterDimension: string;
  sourceDimension: string;
  destDimension: string;
  /** The cluster dimension becomes the risk object `host`. */
  rename: DimensionRename;
  /** Window of the current search (SPL `earliest=-1h`); the detector's current window is each received batch. */
  currentWindowSeconds: number;
  /** Default baseline window (SPL `earliest=-30d latest=-1h`); `--baseline-window` overrides it. */
  baselineWindowSeconds: number;
  /** Default warm-up after the baseline store is created: edges are learned without findings. */
  warmupSeconds: number;
}

/**
 * Data of the shell-process detector and of its mstats search: a process whose executable name is a shell, with
 * CPU or memory utilisation above zero in a `spanSeconds` bucket, averaged per group like the SPL's two stats.
 */
export interface ShellProcessMetrics {
  indexMacro: string;
  /** Averaged per span and group (SPL `avg(process.cpu.utilization) … avg(process.memory.utilization)`). */
  metrics: string[];
  executableDimension: string;
  /** SPL BY list: one finding per distinct combination (host × pid, with cluster, node and executable). */
  groupBy: string[];
  /** The seed's shell list (SPL `process.executable.name IN (…)`). */
  shells: string[];
  /** More shells an operator may add (`--shells extended`). */
  extendedShells: string[];
  /** SPL `span=10s`. */
  spanSeconds: number;
  rename: DimensionRename;
  /** Window of one scheduled search (SPL cron hourly): a host × pid is reported at most once per such window. */
  reportWindowSeconds: number;
}

interface MetricRuleBase extends RuleBase {
  type: 'metric';
}

/** A rule evaluated over OTLP metric samples; `detector` names the pure detector, `metrics` the data it and the SPL read. */
export interface NewlySeenEdgeRule extends MetricRuleBase {
  detector: 'newly-seen-edge';
  metrics: NewlySeenEdgeMetrics;
}

export interface ShellProcessRule extends MetricRuleBase {
  detector: 'shell-process';
  metrics: ShellProcessMetrics;
}

export type MetricRule = NewlySeenEdgeRule | ShellProcessRule;

export type Rule = RequestRule | MetricRule;
