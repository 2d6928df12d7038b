// Kubernetes Event metrics: Event writes by outcome and failed Pod uid lookups (counters fed by the Event sink's KubeEventObserver).
import { Counter, type Registry } from 'prom-client';
import type { KubeEventObserver } from '../sinks/kube-event-observer.js';

export function kubeEventMetrics(registry: Registry): KubeEventObserver {
  const written = new Counter({
    name: 'riskgate_k8s_events_written_total',
    help: 'Kubernetes Event writes by outcome: created (a new Event), updated (the count of an Event raised, whichever replica made it), failed (the reason is in riskgate_sink_delivery_failures_total{sink="k8s-events"}).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const lookups = new Counter({
    name: 'riskgate_k8s_event_uid_lookups_failed_total',
    help: 'Pod lookups for the uid of an exec/attach Event that failed, by reason (http-404, http-403, timeout, connection…); the Event was written without involvedObject.uid.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  return {
    eventWritten: (outcome) => written.inc({ outcome }),
    uidLookupFailed: (reason) => lookups.inc({ reason }),
  };
}
