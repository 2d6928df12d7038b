// PolicyReports of an audit (pure): one PolicyReport per namespace and one ClusterPolicyReport, bounded, with timestamps kept for unchanged results.
import type { CheckedObject } from '../check/check-report.js';
import { isLiveOrigin } from '../check/check-report.js';
import { sameJson } from '../engine/match.js';
import type { JsonValue } from '../request/json-value.js';
import { objectResults, RESULT_RANK, type PolicyReportResult, type PolicyResultValue, type PolicyTimestamp } from './policy-report-result.js';

export const POLICY_REPORT_API_VERSION = 'wgpolicyk8s.io/v1alpha2';
/** Every report riskgate writes is named so (one per namespace, one cluster-wide) and carries this label. */
export const REPORT_NAME = 'riskgate';
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'riskgate' } as const;
export const RESULT_LIMIT_ANNOTATION = 'riskgate.io/result-limit';
export const LEFT_OUT_ANNOTATION = 'riskgate.io/results-left-out';
/** Results per report when no limit is given: about 600 KB of JSON, well under etcd's 1.5 MiB object limit. */
export const DEFAULT_MAX_RESULTS = 1000;

export type PolicyReportSummary = Record<PolicyResultValue, number>;

export interface PolicyReport {
  apiVersion: typeof POLICY_REPORT_API_VERSION;
  kind: 'PolicyReport' | 'ClusterPolicyReport';
  metadata: { name: string; namespace?: string; labels: Record<string, string>; annotations: Record<string, string>; resourceVersion?: string };
  summary: PolicyReportSummary;
  results: PolicyReportResult[];
}

export interface ReportOptions {
  now: Date;
  /** At most this many results per report (the most pressing: fail, warn, error, skip, then pass). */
  maxResults: number;
  /** The reports as they are now, by namespace ('' for the ClusterPolicyReport): unchanged results keep their timestamp. */
  previous?: ReadonlyMap<string, PolicyReport>;
}

function timestampOf(date: Date): PolicyTimestamp {
  return { seconds: Math.floor(date.getTime() / 1000), nanos: 0 };
}

function resultKey(result: Pick<PolicyReportResult, 'resources' | 'rule'>): string {
  return `${result.resources[0]?.uid ?? ''}\n${result.rule}`;
}

/** The same finding as last time (only the timestamp may differ): it keeps the time it was first seen so. */
function sameResult(a: PolicyReportResult, b: PolicyReportResult): boolean {
  return sameJson({ ...a, timestamp: null } as unknown as JsonValue, { ...b, timestamp: null } as unknown as JsonValue);
}

function carryTimestamps(results: PolicyReportResult[], previous: PolicyReport | undefined): PolicyReportResult[] {
  if (!previous?.results?.length) return results;
  const before = new Map(previous.results.map((r) => [resultKey(r), r]));
  return results.map((r) => {
    const old = before.get(resultKey(r));
    return old?.timestamp && sameResult(old, r) ? { ...r, timestamp: old.timestamp } : r;
  });
}

function byPressure(a: PolicyReportResult, b: PolicyReportResult): number {
  const rank = RESULT_RANK.indexOf(a.result) - RESULT_RANK.indexOf(b.result);
  if (rank !== 0) return rank;
  const [ra, rb] = [a.resources[0]!, b.resources[0]!];
  return ra.kind.localeCompare(rb.kind) || ra.name.localeCompare(rb.name) || a.rule.localeCompare(b.rule);
}

export function summaryOf(results: readonly PolicyReportResult[]): PolicyReportSummary {
  const summary: PolicyReportSummary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const r of results) summary[r.result] += 1;
  return summary;
}

/** One report: the summary counts every result, the results list holds at most maxResults, and the annotations say how many were left out. */
export function boundedReport(namespace: string, all: PolicyReportResult[], maxResults: number): PolicyReport {
  const sorted = [...all].sort(byPressure);
  const kept = sorted.slice(0, maxResults);
  return {
    apiVersion: POLICY_REPORT_API_VERSION,
    kind: namespace ? 'PolicyReport' : 'ClusterPolicyReport',
    metadata: {
      name: REPORT_NAME,
      ...(namespace ? { namespace } : {}),
      labels: { ...MANAGED_BY },
      annotations: { [RESULT_LIMIT_ANNOTATION]: String(maxResults), [LEFT_OUT_ANNOTATION]: String(sorted.length - kept.length) },
    },
    summary: summaryOf(sorted),
    results: kept,
  };
}

/** The reports for the live objects of an audit: one per namespace holding some, one ClusterPolicyReport for cluster-scoped ones. */
export function buildPolicyReports(objects: readonly CheckedObject[], options: ReportOptions): PolicyReport[] {
  const timestamp = timestampOf(options.now);
  const byNamespace = new Map<string, PolicyReportResult[]>();
  for (const object of objects) {
    if (!isLiveOrigin(object.origin)) continue;
    const results = objectResults(object, object.origin.uid, timestamp);
    if (results.length === 0) continue;
    const list = byNamespace.get(object.namespace);
    if (list) list.push(...results);
    else byNamespace.set(object.namespace, results);
  }
  return [...byNamespace.keys()].sort().map((namespace) => {
    const results = carryTimestamps(byNamespace.get(namespace)!, options.previous?.get(namespace));
    return boundedReport(namespace, results, options.maxResults);
  });
}

/** Only the keys of `next` (riskgate's own labels and annotations): others on the stored report are left alone. */
function ownKeys(source: Record<string, string> | undefined, keys: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(keys).map((k) => [k, source?.[k] ?? '']));
}

/** Whether writing `next` over `current` would change anything riskgate owns: its labels and annotations, the summary, the results. */
export function reportChanged(current: PolicyReport, next: PolicyReport): boolean {
  const view = (r: PolicyReport) =>
    ({
      labels: ownKeys(r.metadata.labels, next.metadata.labels),
      annotations: ownKeys(r.metadata.annotations, next.metadata.annotations),
      summary: r.summary ?? {},
      results: r.results ?? [],
    }) as unknown as JsonValue;
  return !sameJson(view(current), view(next));
}
