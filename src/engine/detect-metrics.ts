// The pure metric detectors: new network edges against a baseline, shell processes with CPU or memory above zero.
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
  /** Data time of the first edge learned in the cluster (its warm-up starts there); undefined for a cluster never seen. */
  learningSince(cluster: string): number | undefined;
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
}

export interface MetricDetection {
  findings: Finding[];
  /** Points that lacked a dimension a rule groups by (dropped, as mstats `by` drops them). */
  incomplete: number;
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

/**
 * An edge is new when the baseline has no sighting of it within the window before its first sighting here. During
 * a cluster's warm-up (from the first edge the baseline learned in that cluster) its edges are learned without findings:
 * a cluster that starts sending metrics does not flood the risk index with every edge it has.
 */
export function detectNewEdges(rule: NewlySeenEdgeRule, samples: readonly EdgeSample[], baseline: EdgeBaseline, options: MetricOptions): Finding[] {
  const findings: Finding[] = [];
  for (const s of sightings(samples)) {
    const key = edgeKey(s.sample);
    const since = baseline.learningSince(s.sample.cluster) ?? s.first;
    const warming = s.first < since + options.warmupMs;
    const previous = baseline.lastSeen(key);
    const isNew = previous === undefined || s.first - previous > options.baselineWindowMs;
    if (isNew && !warming) findings.push(edgeFinding(rule, s, previous));
    baseline.observe(s.sample.cluster, key, s.last);
  }
  return findings;
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

/** Runs every metric rule over the points of one batch (one OTLP request, or one file line). */
export function detectMetrics(points: readonly MetricPoint[], rules: readonly Rule[], state: MetricState, options: MetricOptions): MetricDetection {
  const findings: Finding[] = [];
  let incomplete = 0;
  for (const rule of metricRules(rules)) {
    if (rule.detector === 'newly-seen-edge') {
      const edges = edgeSamples(points, rule.metrics);
      incomplete += edges.incomplete;
      findings.push(...detectNewEdges(rule, edges.samples, state.edges, options));
    } else {
      const processes = processSamples(points, rule.metrics, options.shells);
      incomplete += processes.incomplete;
      findings.push(...detectShells(rule, processes.samples, state.shellReports));
    }
  }
  return { findings, incomplete };
}
