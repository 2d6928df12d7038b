// The /metrics registry of riskgate serve: review, sink, Kubernetes Event, certificate and policy metrics plus the process metrics, in one prom-client Registry.
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { KubeEventObserver } from '../sinks/kube-event-observer.js';
import { certificateMetrics } from './certificate-metrics.js';
import { kubeEventMetrics } from './kube-event-metrics.js';
import { policyMetrics } from './policy-metrics.js';
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
  /** The next end of an exemption block of the policy in force, read at each scrape. */
  policyExpiry?: () => Date | undefined;
  /** Process metrics (CPU, memory, event-loop lag, GC, file descriptors), prefixed riskgate_. */
  processMetrics?: boolean;
}

export function riskgateMetrics(options: RiskgateMetricsOptions = {}): RiskgateMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'riskgate_' });
  if (options.certificateExpiry) certificateMetrics(registry, options.certificateExpiry);
  if (options.policyExpiry) policyMetrics(registry, options.policyExpiry);
  return { registry, reviews: reviewMetrics(registry), sinks: sinkMetrics(registry), kubeEvents: kubeEventMetrics(registry) };
}
