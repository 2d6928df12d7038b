// Signal: process metric points (hostmetrics process scraper) → samples of shell processes, keyed by the SPL's BY dimensions.
import type { ShellProcessMetrics } from '../rules/rule.js';
import type { MetricPoint } from './metric-points.js';

export interface ProcessSample {
  metric: string;
  value: number;
  timeMs: number;
  /** The values of the rule's groupBy dimensions, in its order (host.name, k8s.cluster.name, k8s.node.name, pid, exe). */
  group: string[];
  namespace?: string;
  workload?: string;
}

export interface ProcessSamples {
  samples: ProcessSample[];
  /** Shell points lacking a groupBy dimension: mstats `by` drops them, so does the detector. */
  incomplete: number;
}

/** Resource attributes of the k8sattributes processor that name the workload a process belongs to, most specific first. */
const WORKLOAD_ATTRIBUTES = [
  'k8s.deployment.name',
  'k8s.statefulset.name',
  'k8s.daemonset.name',
  'k8s.job.name',
  'k8s.cronjob.name',
  'k8s.replicaset.name',
  'k8s.pod.name',
];

export function processSamples(points: readonly MetricPoint[], spec: ShellProcessMetrics, shells: ReadonlySet<string>): ProcessSamples {
  const samples: ProcessSample[] = [];
  let incomplete = 0;
  for (const point of points) {
    if (!spec.metrics.includes(point.metric)) continue;
    const a = point.attributes;
    const executable = a[spec.executableDimension];
    if (executable === undefined || !shells.has(executable)) continue;
    const group = spec.groupBy.map((d) => a[d] ?? '');
    if (group.some((v) => v === '')) {
      incomplete += 1;
      continue;
    }
    const sample: ProcessSample = { metric: point.metric, value: point.value, timeMs: point.timeMs, group };
    if (a['k8s.namespace.name']) sample.namespace = a['k8s.namespace.name'];
    const workload = WORKLOAD_ATTRIBUTES.map((k) => a[k]).find((v) => v);
    if (workload) sample.workload = workload;
    samples.push(sample);
  }
  return { samples, incomplete };
}
