// Sink metrics: events dropped and delivered, delivery failures (counters fed by SinkObserver), queue depth and spool bytes (gauges read at scrape).
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DropReason, SinkObserver, SinkStats } from '../sinks/sink-observer.js';

export interface SinkMetrics {
  observer: SinkObserver;
  /** Adds a sink whose stats() the gauges read at every scrape. */
  watch(stats: () => SinkStats): void;
}

export function sinkMetrics(registry: Registry): SinkMetrics {
  const sources: Array<() => SinkStats> = [];
  const dropped = new Counter({
    name: 'riskgate_risk_events_dropped_total',
    help: 'Risk events lost for good, by sink and reason (spool-full: the spool cap dropped its oldest; rate-limited: Kubernetes Event rate limit; …).',
    labelNames: ['sink', 'reason'] as const,
    registers: [registry],
  });
  const delivered = new Counter({
    name: 'riskgate_risk_events_delivered_total',
    help: 'Risk events delivered (acknowledged by the indexer when HEC ack is on), by sink.',
    labelNames: ['sink'] as const,
    registers: [registry],
  });
  const failures = new Counter({
    name: 'riskgate_sink_delivery_failures_total',
    help: 'Failed delivery attempts (retried), by sink and reason (http-503, timeout, connection, tls, malformed, ack-timeout, hec-code-N…).',
    labelNames: ['sink', 'reason'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'riskgate_sink_queue_depth',
    help: 'Risk events waiting for delivery, by sink (HEC: undelivered events in the spool).',
    labelNames: ['sink'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const read of sources) {
        const s = read();
        this.set({ sink: s.sink }, s.queueDepth);
      }
    },
  });
  new Gauge({
    name: 'riskgate_spool_bytes',
    help: 'Bytes on disk: state="pending" is the undelivered spool (capped), state="delivered" the delivered archive.',
    labelNames: ['sink', 'state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const read of sources) {
        const s = read();
        if (s.spoolBytes !== undefined) this.set({ sink: s.sink, state: 'pending' }, s.spoolBytes);
        if (s.archiveBytes !== undefined) this.set({ sink: s.sink, state: 'delivered' }, s.archiveBytes);
      }
    },
  });
  const observer: SinkObserver = {
    dropped: (sink: string, reason: DropReason, count: number) => dropped.inc({ sink, reason }, count),
    deliveryFailed: (sink, reason) => failures.inc({ sink, reason }),
    delivered: (sink, count) => delivered.inc({ sink }, count),
  };
  return { observer, watch: (stats) => void sources.push(stats) };
}
