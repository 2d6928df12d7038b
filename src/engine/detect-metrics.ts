// The pure metric detectors: new network edges against a guarded baseline, shell processes with CPU or memory above zero.
import type { MetricRule, NewlySeenEdgeRule, Rule, ShellProcessRule } from '../rules/rule.js';
import { metricRules } from '../rules/catalog.js';
import type { MetricPoint } from '../signals/metric-points.js';
import type { EdgeSample } from '../signals/edge-samples.js';
import { edgeSamples } from '../signals/edge-samples.js';
import type { ProcessSample } from '../signals/process-samples.js';
import { processSamples } from '../signals/process-samples.js';
import type { Finding, FindingFields, Subject } from './finding.js';
import { fillTokens } from './finding.js';

/** Where edges were last seen (data time, ms), per cluster. The store persists it (or keeps it in memory). */
export interface EdgeBaseline {
  lastSeen(edge: string): number | undefined;
  /** When the cluster's learning started (its warm-up starts there); undefined for a cluster never seen. */
  learningSince(cluster: string): number | undefined;
  /** Starts a cluster's learning at atMs (the receive time of its first batch, live). */
  startLearning(cluster: string, atMs: number): void;
  /** Clusters learned, and edges known in one cluster: the caps are checked against these before anything is added. */
  clusterCount(): number;
  edgeCount(cluster: string): number;
  observe(cluster: string, edge: string, atMs: number): void;
}

/** Which host × pid × report-window keys were reported already, so a running shell is reported once per window. */
export interface ReportLedger {
  reported(key: string): boolean;
  markReported(key: string, atMs: number): void;
}

export interface MetricState {
  edges: EdgeBaseline;
  shellReports: ReportLedger;
}

export interface MetricOptions {
  baselineWindowMs: number;
  warmupMs: number;
  shells: ReadonlySet<string>;
  /** Clusters the baseline learns (default DEFAULT_MAX_CLUSTERS); points of any further cluster are refused. */
  maxClusters?: number;
  /** Edges known per cluster (default DEFAULT_MAX_EDGES_PER_CLUSTER); new edges past it are refused. */
  maxEdgesPerCluster?: number;
  /** New edges of one cluster in one batch, after its warm-up, that make a burst (default DEFAULT_EDGE_BURST). */
  edgeBurst?: number;
}

export const DEFAULT_MAX_CLUSTERS = 16;
export const DEFAULT_MAX_EDGES_PER_CLUSTER = 5_000;
export const DEFAULT_EDGE_BURST = 500;
/** How long before a cluster's learning start a point may be stamped (collector queues and retries) and still count. */
export const LEARNING_LAG_MS = 10 * 60_000;

/** Why the baseline refused points or edges: what a sender could use to teach it lies or grow it. */
export interface EdgeRefusals {
  /** Points stamped longer than the window before the receive time. */
  stale: number;
  /** Points stamped before their cluster's learning started. */
  beforeLearning: number;
  /** Points of a new cluster past the cluster cap. */
  clusterCap: number;
  /** New edges past their cluster's edge cap. */
  edgeCap: number;
}

/** A cap reached, or an implausible burst of new edges, in one cluster during one batch: it becomes a risk event. */
export interface EdgeGuardHit {
  cluster: string;
  reason: 'cluster-cap' | 'edge-cap' | 'burst';
  /** Points or edges refused (cluster-cap, edge-cap), or new edges learned (burst). */
  count: number;
}

export interface MetricDetection {
  findings: Finding[];
  /** Points that lacked a dimension a rule groups by (dropped, as mstats `by` drops them). */
  incomplete: number;
  refused: EdgeRefusals;
  guard: EdgeGuardHit[];
}

/** The metric names every metric rule reads: the points worth extracting from a payload. */
export function wantedMetrics(rules: readonly Rule[]): Set<string> {
  return new Set(metricRules(rules).flatMap((r) => (r.detector === 'newly-seen-edge' ? [r.metrics.metric] : r.metrics.metrics)));
}

/** Key of an edge in the baseline: unambiguous whatever the names contain. */
export function edgeKey(sample: Pick<EdgeSample, 'cluster' | 'source' | 'dest'>): string {
  return JSON.stringify([sample.cluster, sample.source, sample.dest]);
}

function finding(rule: MetricRule, fields: FindingFields, subject: Subject): Finding {
  return { rule, fields, subject, summary: fillTokens(rule.summary, fields) };
}

interface EdgeSighting {
  sample: EdgeSample;
  first: number;
  last: number;
  count: number;
}

function sightings(samples: readonly EdgeSample[]): EdgeSighting[] {
  const byKey = new Map<string, EdgeSighting>();
  for (const sample of samples) {
    const key = edgeKey(sample);
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { sample, first: sample.timeMs, last: sample.timeMs, count: 1 });
    else {
      seen.first = Math.min(seen.first, sample.timeMs);
      seen.last = Math.max(seen.last, sample.timeMs);
      seen.count += 1;
    }
  }
  return [...byKey.values()].sort((a, b) => a.first - b.first);
}

function edgeFinding(rule: NewlySeenEdgeRule, s: EdgeSighting, previous: number | undefined): Finding {
  const m = rule.metrics;
  const fields: FindingFields = {
    [m.rename.to]: s.sample.cluster,
    [m.sourceDimension]: s.sample.source,
    [m.destDimension]: s.sample.dest,
    [m.countField]: String(s.count),
    first_seen: new Date(s.first).toISOString(),
    series: `${s.sample.cluster}/${s.sample.source}->${s.sample.dest}@${new Date(s.first).toISOString()}`,
  };
  if (previous !== undefined) fields['previous_seen'] = new Date(previous).toISOString();
  const subject: Subject = { cluster: s.sample.cluster, workload: s.sample.source };
  if (s.sample.namespace) subject.namespace = s.sample.namespace;
  return finding(rule, fields, subject);
}

interface EdgeRun {
  baseline: EdgeBaseline;
  options: MetricOptions;
  /** The receive time of a live batch; undefined when replaying files (data time only). */
  receivedMs: number | undefined;
  refused: EdgeRefusals;
  guard: EdgeGuardHit[];
}

const emptyRefusals = (): EdgeRefusals => ({ stale: 0, beforeLearning: 0, clusterCap: 0, edgeCap: 0 });

function countHit(run: EdgeRun, cluster: string, reason: EdgeGuardHit['reason'], n = 1): void {
  const hit = run.guard.find((h) => h.cluster === cluster && h.reason === reason);
  if (hit) hit.count += n;
  else run.guard.push({ cluster, reason, count: n });
}

/** The cluster's learning start, starting it now when the cluster cap allows; undefined when it does not. */
function learningStart(run: EdgeRun, cluster: string, atMs: number): number | undefined {
  const since = run.baseline.learningSince(cluster);
  if (since !== undefined) return since;
  if (run.baseline.clusterCount() >= (run.options.maxClusters ?? DEFAULT_MAX_CLUSTERS)) return undefined;
  run.baseline.startLearning(cluster, atMs);
  return atMs;
}

/** The samples the baseline may learn from: live, none stamped longer than the window ago or before its cluster's learning. */
function admissible(run: EdgeRun, samples: readonly EdgeSample[]): EdgeSample[] {
  return samples.filter((sample) => {
    const received = run.receivedMs;
    if (received !== undefined && sample.timeMs < received - run.options.baselineWindowMs) return void (run.refused.stale += 1);
    const since = learningStart(run, sample.cluster, received ?? sample.timeMs);
    if (since === undefined) return void ((run.refused.clusterCap += 1), countHit(run, sample.cluster, 'cluster-cap'));
    if (received !== undefined && sample.timeMs < since - LEARNING_LAG_MS) return void (run.refused.beforeLearning += 1);
    return true;
  });
}

/**
 * An edge is new when the baseline has no sighting of it within the window before its first sighting here. During
 * a cluster's warm-up (from its learning start: the receive time of its first batch, live; its first edge's time when
 * replaying files) its edges are learned without findings. Points that could teach it lies (stamped before the window
 * or the learning start) are refused and counted, and so are new clusters and edges past the caps.
 */
export function detectNewEdges(rule: NewlySeenEdgeRule, samples: readonly EdgeSample[], baseline: EdgeBaseline, options: MetricOptions, receivedMs?: number): MetricDetection {
  const run: EdgeRun = { baseline, options, receivedMs, refused: emptyRefusals(), guard: [] };
  const findings: Finding[] = [];
  const maxEdges = options.maxEdgesPerCluster ?? DEFAULT_MAX_EDGES_PER_CLUSTER;
  const learned = new Map<string, number>();
  for (const s of sightings(admissible(run, samples))) {
    const cluster = s.sample.cluster;
    const key = edgeKey(s.sample);
    const since = baseline.learningSince(cluster) ?? s.first;
    const warming = (receivedMs ?? s.first) < since + options.warmupMs;
    const previous = baseline.lastSeen(key);
    const isNew = previous === undefined || s.first - previous > options.baselineWindowMs;
    if (previous === undefined && baseline.edgeCount(cluster) >= maxEdges) {
      run.refused.edgeCap += 1;
      countHit(run, cluster, 'edge-cap');
      continue;
    }
    if (isNew && !warming) {
      findings.push(edgeFinding(rule, s, previous));
      learned.set(cluster, (learned.get(cluster) ?? 0) + 1);
    }
    baseline.observe(cluster, key, s.last);
  }
  for (const [cluster, n] of learned) if (n > (options.edgeBurst ?? DEFAULT_EDGE_BURST)) countHit(run, cluster, 'burst', n);
  findings.push(...run.guard.map((hit) => guardFinding(rule, hit, receivedMs)));
  return { findings, incomplete: 0, refused: run.refused, guard: run.guard };
}

const GUARD_TEXT: Record<EdgeGuardHit['reason'], string> = {
  'cluster-cap': 'points of a cluster past the cluster cap refused',
  'edge-cap': 'new edges past the cluster\'s edge cap refused',
  burst: 'new edges in one batch (an implausible burst)',
};

/** The risk event of a guard hit: on the cluster, under the edge rule, saying what was refused or how many edges came at once. */
function guardFinding(rule: NewlySeenEdgeRule, hit: EdgeGuardHit, receivedMs: number | undefined): Finding {
  const at = new Date(receivedMs ?? Date.now()).toISOString();
  const fields: FindingFields = {
    [rule.metrics.rename.to]: hit.cluster,
    baseline_guard: hit.reason,
    count: String(hit.count),
    series: `${hit.cluster}/baseline-guard/${hit.reason}@${at}`,
  };
  const summary = `baseline guard in cluster ${hit.cluster}: ${hit.count} ${GUARD_TEXT[hit.reason]}`;
  return { rule, fields, subject: { cluster: hit.cluster }, summary };
}

interface Average {
  sum: number;
  count: number;
}

interface ProcessGroup {
  sample: ProcessSample;
  /** Per span bucket, per metric: the SPL's first `avg … span=10s`. */
  buckets: Map<number, Map<string, Average>>;
}

function add(averages: Map<string, Average>, metric: string, value: number): void {
  const a = averages.get(metric);
  if (a) {
    a.sum += value;
    a.count += 1;
  } else averages.set(metric, { sum: value, count: 1 });
}

function mean(a: Average | undefined): number | undefined {
  return a && a.count > 0 ? a.sum / a.count : undefined;
}

function processGroups(samples: readonly ProcessSample[], spanMs: number): Map<string, ProcessGroup> {
  const groups = new Map<string, ProcessGroup>();
  for (const sample of samples) {
    const key = JSON.stringify(sample.group);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { sample, buckets: new Map() }));
    const bucket = Math.floor(sample.timeMs / spanMs) * spanMs;
    let averages = group.buckets.get(bucket);
    if (!averages) group.buckets.set(bucket, (averages = new Map()));
    add(averages, sample.metric, sample.value);
  }
  return groups;
}

/**
 * `search cpu>0 OR memory>0` over the span buckets, then `stats avg(…)` over the buckets kept: the per-metric means of
 * the kept buckets (a metric absent from a bucket does not count), and the first kept bucket's time.
 */
function activeAverages(group: ProcessGroup, metrics: readonly string[]): { means: Map<string, number>; firstMs: number } | undefined {
  const totals = new Map<string, Average>();
  let firstMs: number | undefined;
  for (const [bucket, averages] of group.buckets) {
    const bucketMeans = metrics.map((m) => mean(averages.get(m)));
    if (!bucketMeans.some((v) => v !== undefined && v > 0)) continue;
    firstMs = firstMs === undefined ? bucket : Math.min(firstMs, bucket);
    metrics.forEach((m, i) => {
      const v = bucketMeans[i];
      if (v !== undefined) add(totals, m, v);
    });
  }
  if (firstMs === undefined) return undefined;
  const means = new Map<string, number>();
  for (const m of metrics) {
    const v = mean(totals.get(m));
    if (v !== undefined) means.set(m, v);
  }
  return { means, firstMs };
}

function shellFinding(rule: ShellProcessRule, sample: ProcessSample, means: Map<string, number>, windowStart: number): Finding {
  const m = rule.metrics;
  const fields: FindingFields = {};
  m.groupBy.forEach((dimension, i) => {
    fields[dimension === m.rename.from ? m.rename.to : dimension] = sample.group[i]!;
  });
  for (const [metric, value] of means) fields[metric] = String(value);
  fields['series'] = `${sample.group.join('/')}@${new Date(windowStart).toISOString()}`;
  const at = (dimension: string) => sample.group[m.groupBy.indexOf(dimension)];
  const subject: Subject = {};
  const cluster = at('k8s.cluster.name');
  const node = at('k8s.node.name');
  if (cluster) subject.cluster = cluster;
  if (node) subject.node = node;
  if (sample.namespace) subject.namespace = sample.namespace;
  if (sample.workload) subject.workload = sample.workload;
  return finding(rule, fields, subject);
}

/** One finding per group (host × pid …) whose utilisation was above zero, at most once per report window. */
export function detectShells(rule: ShellProcessRule, samples: readonly ProcessSample[], ledger: ReportLedger): Finding[] {
  const m = rule.metrics;
  const windowMs = m.reportWindowSeconds * 1000;
  const findings: Finding[] = [];
  for (const group of processGroups(samples, m.spanSeconds * 1000).values()) {
    const active = activeAverages(group, m.metrics);
    if (!active) continue;
    const windowStart = Math.floor(active.firstMs / windowMs) * windowMs;
    const key = JSON.stringify([...group.sample.group, windowStart]);
    if (ledger.reported(key)) continue;
    ledger.markReported(key, windowStart);
    findings.push(shellFinding(rule, group.sample, active.means, windowStart));
  }
  return findings;
}

/**
 * Runs every metric rule over the points of one batch (one OTLP request, or one file line). `receivedMs` is the receive
 * time of a live batch: stale points are refused against it and warm-up is judged by it; without it (files) data time rules.
 */
export function detectMetrics(points: readonly MetricPoint[], rules: readonly Rule[], state: MetricState, options: MetricOptions, receivedMs?: number): MetricDetection {
  const findings: Finding[] = [];
  let incomplete = 0;
  let refused = emptyRefusals();
  const guard: EdgeGuardHit[] = [];
  for (const rule of metricRules(rules)) {
    if (rule.detector === 'newly-seen-edge') {
      const edges = edgeSamples(points, rule.metrics);
      incomplete += edges.incomplete;
      const detected = detectNewEdges(rule, edges.samples, state.edges, options, receivedMs);
      findings.push(...detected.findings);
      refused = detected.refused;
      guard.push(...detected.guard);
    } else {
      const processes = processSamples(points, rule.metrics, options.shells);
      incomplete += processes.incomplete;
      findings.push(...detectShells(rule, processes.samples, state.shellReports));
    }
  }
  return { findings, incomplete, refused, guard };
}
