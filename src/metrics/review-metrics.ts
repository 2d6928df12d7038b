// Review metrics: reviews by rule, action and result, rejected requests, and the review latency histogram (fine buckets below 5 ms).
import { Counter, type Registry } from 'prom-client';
import { CountedHistogram } from './counted-histogram.js';
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

type ReviewLabels = { rule: string; action: string; result: string; scope: string };

/** One label set of riskgate_reviews_total: made the first time it is seen; a review only adds to `pending`. */
interface Tally {
  labels: ReviewLabels;
  pending: number;
}

/** The tallies by scope, result, rule and action (nested maps: finding a tally builds no key string). */
class ReviewTallies {
  private readonly byScope = new Map<string, Map<string, Map<string, Map<string, Tally>>>>();
  readonly all: Tally[] = [];

  add(scope: string, result: string, rule: string, action: string): void {
    const byResult = this.byScope.get(scope) ?? this.put(this.byScope, scope, new Map());
    const byRule = byResult.get(result) ?? this.put(byResult, result, new Map());
    const byAction = byRule.get(rule) ?? this.put(byRule, rule, new Map());
    const tally = byAction.get(action) ?? this.put(byAction, action, this.made({ rule, action, result, scope }));
    tally.pending++;
  }

  private made(labels: ReviewLabels): Tally {
    const tally = { labels, pending: 0 };
    this.all.push(tally);
    return tally;
  }

  private put<V>(map: Map<string, V>, key: string, value: V): V {
    map.set(key, value);
    return value;
  }
}

export function reviewMetrics(registry: Registry): ReviewMetrics {
  const tallies = new ReviewTallies();
  new Counter({
    name: 'riskgate_reviews_total',
    help: 'Admission reviews answered, one count per rule verdict (rule="none", action="none" when no rule matched); result is the answer: allowed or denied.',
    labelNames: ['rule', 'action', 'result', 'scope'] as const,
    registers: [registry],
    // Counted on the review path without prom-client; moved into the counter at each scrape.
    collect() {
      for (const tally of tallies.all) {
        if (tally.pending === 0) continue;
        this.inc(tally.labels, tally.pending);
        tally.pending = 0;
      }
    },
  });
  const rejected = new Counter({
    name: 'riskgate_review_rejections_total',
    help: 'Requests refused as bad input before any review (HTTP 400/413/415), by error code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  // Counted on the review path as plain numbers per scope (prom-client's Histogram checks and hashes the labels of
  // every observation); the registry reads the counts at each scrape.
  const latency = new CountedHistogram({
    name: 'riskgate_review_duration_seconds',
    help: 'Time from the request reaching riskgate to its answer, per webhook scope (all, enforce, observe).',
    labelName: 'scope',
    buckets: REVIEW_LATENCY_BUCKETS,
  }).register(registry);
  return {
    onReview(result, durationMs) {
      const outcome = result.decision.allowed ? 'allowed' : 'denied';
      const { verdicts, exempted } = result.decision;
      for (const v of verdicts) tallies.add(result.scope, outcome, v.finding.rule.id, v.action);
      for (const e of exempted) tallies.add(result.scope, outcome, e.finding.rule.id, 'exempt');
      if (verdicts.length === 0 && exempted.length === 0) tallies.add(result.scope, outcome, 'none', 'none');
      latency.seriesFor(result.scope).observe(durationMs / 1000);
    },
    onRejected(rejection) {
      rejected.inc({ code: rejection.code });
    },
  };
}
