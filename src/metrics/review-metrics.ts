// Review metrics: reviews by rule, action and result, rejected requests, and the review latency histogram (fine buckets below 5 ms).
import { Counter, Histogram, type Registry } from 'prom-client';
import type { ReviewResult } from '../webhook/review.js';
import type { InputRejection } from '../webhook/input-error.js';
import type { ReviewObserver } from '../webhook/review-observer.js';

/** Seconds. Half of the buckets lie below 5 ms, where a healthy review lands; the tail reaches the API server's timeouts. */
export const REVIEW_LATENCY_BUCKETS = [
  0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.0025, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export interface ReviewMetrics extends ReviewObserver {
  onReview(result: ReviewResult, durationMs: number): void;
  onRejected(rejection: InputRejection, durationMs: number): void;
}

export function reviewMetrics(registry: Registry): ReviewMetrics {
  const reviews = new Counter({
    name: 'riskgate_reviews_total',
    help: 'Admission reviews answered, one count per rule verdict (rule="none", action="none" when no rule matched); result is the answer: allowed or denied.',
    labelNames: ['rule', 'action', 'result', 'scope'] as const,
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'riskgate_review_rejections_total',
    help: 'Requests refused as bad input before any review (HTTP 400/413/415), by error code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'riskgate_review_duration_seconds',
    help: 'Time from the request reaching riskgate to its answer, per webhook scope (all, enforce, observe).',
    labelNames: ['scope'] as const,
    buckets: REVIEW_LATENCY_BUCKETS,
    registers: [registry],
  });
  return {
    onReview(result, durationMs) {
      const outcome = result.decision.allowed ? 'allowed' : 'denied';
      const { verdicts, exempted } = result.decision;
      for (const v of verdicts) reviews.inc({ rule: v.finding.rule.id, action: v.action, result: outcome, scope: result.scope });
      for (const e of exempted) reviews.inc({ rule: e.finding.rule.id, action: 'exempt', result: outcome, scope: result.scope });
      if (verdicts.length === 0 && exempted.length === 0) reviews.inc({ rule: 'none', action: 'none', result: outcome, scope: result.scope });
      latency.observe({ scope: result.scope }, durationMs / 1000);
    },
    onRejected(rejection) {
      rejected.inc({ code: rejection.code });
    },
  };
}
