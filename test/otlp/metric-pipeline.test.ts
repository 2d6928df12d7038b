// The metric pipeline's own rules: a point stamped far ahead of the receive time cannot wipe the baseline.
import { BaselineStore } from '../../src/baseline/baseline-store.js';
import { metricOptions } from '../../src/engine/metric-options.js';
import { defaultPolicy } from '../../src/engine/policy.js';
import { MAX_CLOCK_AHEAD_MS, MetricPipeline } from '../../src/otlp/metric-pipeline.js';
import { RULES } from '../../src/rules/catalog.js';
import { edgePayload } from './collector-payload.js';

const NOW = Date.parse('2026-03-02T10:00:00Z');
const DAY = 24 * 3600_000;

async function pipeline() {
  const options = metricOptions(RULES, { warmup: '0s' });
  const store = await BaselineStore.open({ windowMs: options.baselineWindowMs });
  const p = new MetricPipeline({ rules: RULES, policy: () => defaultPolicy(RULES), state: { edges: store, shellReports: store }, options, record: () => {}, clock: () => new Date(NOW) });
  return { p, store };
}

const edge = (dest: string, timeMs: number) => edgePayload([{ cluster: 'prod-eu', source: 'frontend', dest, timeMs }]);

describe('MetricPipeline', () => {
  test('a point a year ahead of the clock is taken at the receive time: the baseline is not pruned by it', async () => {
    const { p, store } = await pipeline();
    expect(p.ingest(edge('cart', NOW - 60_000)).findings).toHaveLength(1);
    const skewed = p.ingest(edge('payments', NOW + 365 * DAY));
    expect(skewed).toMatchObject({ ahead: 1, points: 1 });
    expect(store.lastSeen('["prod-eu","frontend","payments"]')).toBe(NOW);
    // Had the year-ahead time been believed, cart (last seen a year "before") would have been pruned and be new again.
    expect(p.ingest(edge('cart', NOW)).findings).toEqual([]);
  });

  test('a small lead (collector clocks a little ahead) is kept as sent', async () => {
    const { p, store } = await pipeline();
    expect(p.ingest(edge('cart', NOW + MAX_CLOCK_AHEAD_MS))).toMatchObject({ ahead: 0 });
    expect(store.lastSeen('["prod-eu","frontend","cart"]')).toBe(NOW + MAX_CLOCK_AHEAD_MS);
  });
});
