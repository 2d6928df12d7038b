// Signal: metric points of the edge metric (tcp.packets) → network edges (cluster, source workload, destination workload).
import type { NewlySeenEdgeMetrics } from '../rules/rule.js';
import type { MetricPoint } from './metric-points.js';

export interface EdgeSample {
  cluster: string;
  source: string;
  dest: string;
  timeMs: number;
  /** Namespace of the source workload when the point carries one (k8s.namespace.name or source.k8s.namespace.name). */
  namespace?: string;
}

export interface EdgeSamples {
  samples: EdgeSample[];
  /** Points of the metric lacking a dimension of the edge: mstats `by` drops them, so does the detector. */
  incomplete: number;
}

const NAMESPACE_ATTRIBUTES = ['source.k8s.namespace.name', 'source.namespace', 'k8s.namespace.name'];

export function edgeSamples(points: readonly MetricPoint[], spec: NewlySeenEdgeMetrics): EdgeSamples {
  const samples: EdgeSample[] = [];
  let incomplete = 0;
  for (const point of points) {
    if (point.metric !== spec.metric) continue;
    const a = point.attributes;
    const cluster = a[spec.clusterDimension];
    const source = a[spec.sourceDimension];
    const dest = a[spec.destDimension];
    if (!cluster || !source || !dest) {
      incomplete += 1;
      continue;
    }
    const sample: EdgeSample = { cluster, source, dest, timeMs: point.timeMs };
    const namespace = NAMESPACE_ATTRIBUTES.map((k) => a[k]).find((v) => v);
    if (namespace) sample.namespace = namespace;
    samples.push(sample);
  }
  return { samples, incomplete };
}
