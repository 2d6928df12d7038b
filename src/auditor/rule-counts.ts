// Counts of risk events per rule over time buckets: the data of the auditor page's chart (also served as JSON).
import type { RiskEvent } from '../outputs/risk-event.js';

export interface RuleCounts {
  from: string;
  to: string;
  bucketMs: number;
  /** Start of each bucket (ISO). */
  buckets: string[];
  /** Per rule, one count per bucket; rules ordered by total, largest first. */
  rules: Array<{ rule: string; counts: number[]; total: number }>;
}

/** `bucketCount` equal buckets between from and to (events outside are ignored). */
export function ruleCounts(events: readonly RiskEvent[], from: Date, to: Date, bucketCount = 24): RuleCounts {
  const start = from.getTime();
  const span = Math.max(1, to.getTime() - start);
  const bucketMs = Math.ceil(span / bucketCount);
  const perRule = new Map<string, number[]>();
  for (const event of events) {
    const t = Date.parse(event.time);
    if (t < start || t > to.getTime()) continue;
    const index = Math.min(bucketCount - 1, Math.floor((t - start) / bucketMs));
    let counts = perRule.get(event.rule_id);
    if (!counts) perRule.set(event.rule_id, (counts = new Array<number>(bucketCount).fill(0)));
    counts[index]!++;
  }
  const rules = [...perRule.entries()]
    .map(([rule, counts]) => ({ rule, counts, total: counts.reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.total - a.total || a.rule.localeCompare(b.rule));
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    bucketMs,
    buckets: Array.from({ length: bucketCount }, (_, i) => new Date(start + i * bucketMs).toISOString()),
    rules,
  };
}
