// OTLP/JSON after the scan: the points of the wanted metrics, parsing only their spans and the spans of their resources.
import type { JsonLayout, MetricSpan } from './json-metric-scan.js';
import { pointsOfWantedMetric, resourceAttributes } from '../signals/metric-points.js';
import type { MetricPoint } from '../signals/metric-points.js';

type Spans = Extract<JsonLayout, { kind: 'spans' }>;

/** JSON text the scanner checked: parsing it cannot fail (a failure here is a scanner defect, answered 500). */
function parseSpan(body: Buffer, start: number, end: number): unknown {
  return JSON.parse(body.toString('utf8', start, end)) as unknown;
}

function nameOf(body: Buffer, span: MetricSpan): string {
  return span.nameEscaped ? (parseSpan(body, span.nameStart, span.nameEnd) as string) : body.toString('utf8', span.nameStart + 1, span.nameEnd - 1);
}

/**
 * The gauge and sum points of the `wanted` metrics, in document order, with the failures metricPoints names for the
 * whole request (`resourceMetrics[0].scopeMetrics[1].metrics[2].sum.dataPoints[3].asInt`); metrics the rules do not
 * read are never parsed, and a resource only when one of its metrics is read.
 */
export function spanPoints(body: Buffer, layout: Spans, wanted: ReadonlySet<string>, fallbackMs: number): MetricPoint[] {
  const out: MetricPoint[] = [];
  let resourceIndex = -1;
  let resource: Record<string, string> = {};
  for (const span of layout.metrics) {
    const name = nameOf(body, span);
    if (!wanted.has(name)) continue;
    const r = span.resource;
    if (r !== resourceIndex) {
      resourceIndex = r;
      const start = layout.resourceStart[r]!;
      resource = resourceAttributes(start < 0 ? undefined : parseSpan(body, start, layout.resourceEnd[r]!), `resourceMetrics[${r}]`);
    }
    pointsOfWantedMetric(parseSpan(body, span.start, span.end), name, resource, fallbackMs, out, `resourceMetrics[${r}].scopeMetrics[${span.scope}].metrics[${span.index}]`);
  }
  return out;
}
