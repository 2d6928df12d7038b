// Refusals outside the admission port as counters: OTLP requests turned away, and points and edges the edge baseline refused.
import { Counter, type Registry } from 'prom-client';
import type { ServeRefusal } from '../cli/serve-extension.js';

export function refusalMetrics(registry: Registry): (refusal: ServeRefusal) => void {
  const otlp = new Counter({
    name: 'riskgate_otlp_refused_total',
    help: 'OTLP metric requests turned away, by reason (unauthenticated, busy, over-budget, malformed).',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const baseline = new Counter({
    name: 'riskgate_baseline_refused_total',
    help: 'Points and edges the newly-seen-edge baseline refused, by reason (stale, before_learning, cluster_cap, edge_cap), and bursts of new edges (burst).',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  return ({ component, reason, count }) => (component === 'otlp' ? otlp : baseline).inc({ reason }, count);
}
