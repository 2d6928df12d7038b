// The /metrics registry of riskgate serve: review, sink, Kubernetes Event and certificate metrics plus the process metrics, in one prom-client Registry.
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { KubeEventObserver } from '../sinks/kube-event-observer.js';
import { certificateMetrics } from './certificate-metrics.js';
import { kubeEventMetrics } from './kube-event-metrics.js';
import { reviewMetrics, type ReviewMetrics } from './review-metrics.js';
import { sinkMetrics, type SinkMetrics } from './sink-metrics.js';

export interface RiskgateMetrics {
  registry: Registry;
  reviews: ReviewMetrics;
  sinks: SinkMetrics;
  kubeEvents: KubeEventObserver;
}

export interface RiskgateMetricsOptions {
  /** The serving certificate's notAfter, read at each scrape. */
  certificateExpiry?: () => Date;
  /** Process metrics (CPU, memory, event-loop lag, GC, file descriptors), prefixed riskgate_. */
  processMetrics?: boolean;
}

export function riskgateMetrics(options: RiskgateMetricsOptions = {}): RiskgateMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'riskgate_' });
  if (options.certificateExpiry) certificateMetrics(registry, options.certificateExpiry);
  return { registry, reviews: reviewMetrics(registry), sinks: sinkMetrics(registry), kubeEvents: kubeEventMetrics(registry) };
}
