// Refusals outside the admission port as counters: OTLP requests turned away, points and edges the edge baseline refused, auditor sign-ins refused.
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
  const auditor = new Counter({
    name: 'riskgate_auditor_refused_total',
    help: 'Requests the auditor view refused, by reason (unauthenticated, forbidden, unavailable, rate-limited: an address past its failed sign-ins).',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const counters = { otlp, baseline, auditor };
  return ({ component, reason, count }) => counters[component].inc({ reason }, count);
}
