// The edge baseline cannot be taught lies or grown to death (issue 17, findings 3 and 4): live batches judged by receive time, caps before insertion.
import { detectMetrics, wantedMetrics } from '../../src/engine/detect-metrics.js';
import type { MetricOptions } from '../../src/engine/detect-metrics.js';
import { metricOptions } from '../../src/engine/metric-options.js';
import { RULES } from '../../src/rules/catalog.js';
import { metricPoints } from '../../src/signals/metric-points.js';
import { BaselineStore } from '../../src/baseline/baseline-store.js';
import { edgePayload } from '../otlp/collector-payload.js';
import type { Edge } from '../otlp/collector-payload.js';

const R0 = Date.parse('2026-12-01T10:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WANTED = wantedMetrics(RULES);

async function receiver(options: MetricOptions = metricOptions(RULES)) {
  const store = await BaselineStore.open({ windowMs: options.baselineWindowMs });
  /** One live batch received at receivedMs. */
  const receive = (edges: Edge[], receivedMs: number) => detectMetrics(metricPoints(edgePayload(edges), WANTED, receivedMs), RULES, { edges: store, shellReports: store }, options, receivedMs);
  return { store, receive };
}

const edge = (source: string, dest: string, timeMs: number, cluster = 'prod'): Edge => ({ cluster, source, dest, timeMs });
const newEdges = (findings: { fields: Record<string, unknown> }[]) => findings.filter((f) => f.fields['baseline_guard'] === undefined).map((f) => `${String(f.fields['source.workload.name'])}->${String(f.fields['dest.workload.name'])}`);

describe('poisoning: points that would pre-learn an edge are refused and counted', () => {
  test('an edge stamped before the cluster learned is not learned: real traffic on it a minute later is a finding', async () => {
    const { store, receive } = await receiver();
    receive([edge('frontend', 'cart', R0)], R0);
    const now = R0 + 2 * HOUR;
    const lie = receive([edge('compromised', 'postgres', R0 - DAY)], now);
    expect(lie.findings).toEqual([]);
    expect(lie.refused).toEqual({ stale: 0, beforeLearning: 1, clusterCap: 0, edgeCap: 0 });
    expect(store.lastSeen(JSON.stringify(['prod', 'compromised', 'postgres']))).toBeUndefined();
    expect(newEdges(receive([edge('compromised', 'postgres', now + MINUTE)], now + MINUTE).findings)).toEqual(['compromised->postgres']);
  });

  test('a point older than the window before the receive time is refused as stale', async () => {
    const { store, receive } = await receiver();
    const result = receive([edge('frontend', 'cart', R0 - 31 * DAY), edge('frontend', 'search', R0)], R0);
    expect(result.refused.stale).toBe(1);
    expect(store.size).toBe(1);
  });

  test('warm-up is judged by receive time: a cluster stamped in the past cannot stay in warm-up forever', async () => {
    const { receive } = await receiver();
    receive([edge('a', 'b', R0, 'made-up')], R0);
    // Still stamped within the first hour after learning, but received two hours later: past warm-up.
    const later = receive([edge('a', 'c', R0 + 30 * MINUTE, 'made-up')], R0 + 2 * HOUR);
    expect(newEdges(later.findings)).toEqual(['a->c']);
  });

  test('points received during warm-up are learned without findings, as before', async () => {
    const { receive } = await receiver();
    receive([edge('a', 'b', R0)], R0);
    expect(receive([edge('a', 'c', R0 + 10 * MINUTE)], R0 + 10 * MINUTE).findings).toEqual([]);
  });
});

describe('growth: caps on clusters and on edges per cluster, enforced before insertion', () => {
  test('200,000 made-up edges over made-up clusters: the baseline stays within the caps, and each cap hit is a risk finding', async () => {
    const { store, receive } = await receiver();
    const guardHits: string[] = [];
    const started = Date.now();
    for (let batch = 0; batch < 20; batch++) {
      const edges = Array.from({ length: 10_000 }, (_, i) => edge(`w${batch}-${i}`, 'db', R0 + batch * 1000, `fake-${(batch * 10_000 + i) % 32}`));
      const result = receive(edges, R0 + batch * 1000);
      guardHits.push(...result.guard.map((h) => h.reason));
    }
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(store.clusterCount()).toBe(16);
    expect(store.size).toBeLessThanOrEqual(16 * 5000);
    expect(new Set(guardHits)).toEqual(new Set(['cluster-cap', 'edge-cap']));
  });

  test('a cap hit is a finding on the cluster, under the edge rule, saying what was refused', async () => {
    const { receive } = await receiver({ ...metricOptions(RULES), maxEdgesPerCluster: 2, maxClusters: 1 });
    const result = receive([edge('a', 'b', R0), edge('a', 'c', R0), edge('a', 'd', R0), edge('x', 'y', R0, 'other')], R0);
    expect(result.refused).toEqual({ stale: 0, beforeLearning: 0, clusterCap: 1, edgeCap: 1 });
    const guard = result.findings.filter((f) => f.fields['baseline_guard'] !== undefined);
    expect(guard.map((f) => [f.rule.id, f.subject.cluster, f.summary])).toEqual([
      ['kubernetes-newly-seen-tcp-edge', 'other', 'baseline guard in cluster other: 1 points of a cluster past the cluster cap refused'],
      ['kubernetes-newly-seen-tcp-edge', 'prod', "baseline guard in cluster prod: 1 new edges past the cluster's edge cap refused"],
    ]);
  });

  test('an implausible burst of new edges after warm-up is one more finding naming it', async () => {
    const { receive } = await receiver({ ...metricOptions(RULES), edgeBurst: 3 });
    receive([edge('a', 'b', R0)], R0);
    const burst = receive(['c', 'd', 'e', 'f'].map((d) => edge('a', d, R0 + 2 * HOUR)), R0 + 2 * HOUR);
    expect(burst.guard).toEqual([{ cluster: 'prod', reason: 'burst', count: 4 }]);
    expect(burst.findings).toHaveLength(5);
  });
});
