// The metric detectors over collector-shaped payloads: new edges against a baseline (warm-up, window, per cluster), shells.
import { detectMetrics, wantedMetrics } from '../../src/engine/detect-metrics.js';
import type { MetricOptions } from '../../src/engine/detect-metrics.js';
import { metricOptions } from '../../src/engine/metric-options.js';
import { RULES } from '../../src/rules/catalog.js';
import { metricPoints } from '../../src/signals/metric-points.js';
import { BaselineStore } from '../../src/baseline/baseline-store.js';
import { edgePayload, processPayload } from '../otlp/collector-payload.js';
import type { Edge, Process } from '../otlp/collector-payload.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const WANTED = wantedMetrics(RULES);

async function detector(options: MetricOptions) {
  const store = await BaselineStore.open({ windowMs: options.baselineWindowMs });
  const run = (payload: unknown) => detectMetrics(metricPoints(payload, WANTED, T0), RULES, { edges: store, shellReports: store }, options);
  return { store, run };
}

const edge = (source: string, dest: string, timeMs: number, cluster = 'prod-eu'): Edge => ({ cluster, source, dest, timeMs });
const noWarmup = () => metricOptions(RULES, { warmup: '0s' });

describe('newly seen TCP edge', () => {
  test('a new edge is one finding, however many points it has; the row is the corrected SPL result row', async () => {
    const { run } = await detector(noWarmup());
    const { findings } = run(edgePayload([edge('frontend', 'cart', T0), edge('frontend', 'cart', T0 + 10_000), edge('frontend', 'cart', T0 + 20_000)]));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.rule.id).toBe('kubernetes-newly-seen-tcp-edge');
    expect(findings[0]!.fields).toEqual({
      host: 'prod-eu',
      'source.workload.name': 'frontend',
      'dest.workload.name': 'cart',
      'tcp.packets_count': '3',
      first_seen: '2026-03-02T10:00:00.000Z',
      series: 'prod-eu/frontend->cart@2026-03-02T10:00:00.000Z',
    });
    expect(findings[0]!.subject).toEqual({ cluster: 'prod-eu', workload: 'frontend', namespace: 'shop' });
    expect(findings[0]!.summary).toBe('new TCP edge frontend -> cart in cluster prod-eu');
  });

  test('an edge already in the baseline is no finding; a different destination is', async () => {
    const { run } = await detector(noWarmup());
    run(edgePayload([edge('frontend', 'cart', T0)]));
    expect(run(edgePayload([edge('frontend', 'cart', T0 + HOUR)])).findings).toEqual([]);
    const later = run(edgePayload([edge('frontend', 'cart', T0 + 2 * HOUR), edge('frontend', 'payments', T0 + 2 * HOUR)])).findings;
    expect(later.map((f) => f.fields['dest.workload.name'])).toEqual(['payments']);
  });

  test('an edge last seen longer ago than the window is new again, and says when it was seen before', async () => {
    const { run } = await detector(noWarmup());
    run(edgePayload([edge('frontend', 'cart', T0)]));
    expect(run(edgePayload([edge('frontend', 'cart', T0 + 29 * DAY)])).findings).toEqual([]);
    const { findings } = run(edgePayload([edge('frontend', 'cart', T0 + 29 * DAY + 30 * DAY + 1)]));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.fields['previous_seen']).toBe(new Date(T0 + 29 * DAY).toISOString());
  });

  test('the window is configurable', async () => {
    const { run } = await detector(metricOptions(RULES, { warmup: '0s', baselineWindow: '1d' }));
    run(edgePayload([edge('frontend', 'cart', T0)]));
    expect(run(edgePayload([edge('frontend', 'cart', T0 + 2 * DAY)])).findings).toHaveLength(1);
  });

  test('the baseline is per cluster (the seed groups its baseline without k8s.cluster.name)', async () => {
    const { run } = await detector(noWarmup());
    run(edgePayload([edge('frontend', 'cart', T0, 'staging')]));
    const { findings } = run(edgePayload([edge('frontend', 'cart', T0 + HOUR, 'prod-eu'), edge('frontend', 'cart', T0 + HOUR, 'staging')]));
    expect(findings.map((f) => f.fields['host'])).toEqual(['prod-eu']);
  });

  test('warm-up learns silently from the first edge learned in a cluster, then alerts', async () => {
    const { run, store } = await detector(metricOptions(RULES, { warmup: '1h' }));
    expect(run(edgePayload([edge('frontend', 'cart', T0)])).findings).toEqual([]);
    expect(run(edgePayload([edge('frontend', 'search', T0 + HOUR - 1)])).findings).toEqual([]);
    expect(store.learningSince('prod-eu')).toBe(T0);
    expect(store.size).toBe(2);
    const { findings } = run(edgePayload([edge('frontend', 'cart', T0 + HOUR), edge('frontend', 'search', T0 + HOUR), edge('frontend', 'admin', T0 + HOUR)]));
    expect(findings.map((f) => f.fields['dest.workload.name'])).toEqual(['admin']);
  });

  test('a cluster that starts sending later gets its own warm-up instead of a finding per edge', async () => {
    const { run } = await detector(metricOptions(RULES, { warmup: '1h' }));
    run(edgePayload([edge('frontend', 'cart', T0)]));
    const later = T0 + 10 * HOUR;
    expect(run(edgePayload([edge('api', 'db', later, 'prod-us'), edge('frontend', 'admin', later)])).findings.map((f) => f.fields['host'])).toEqual(['prod-eu']);
    expect(run(edgePayload([edge('api', 'cache', later + HOUR, 'prod-us')])).findings.map((f) => f.fields['host'])).toEqual(['prod-us']);
  });

  test('points missing a workload or the cluster are dropped and counted, as mstats `by` drops them', async () => {
    const { run } = await detector(noWarmup());
    const payload = edgePayload([edge('frontend', 'cart', T0)]);
    const point = payload.resourceMetrics![0]!.scopeMetrics![0]!.metrics![0]!.sum!.dataPoints![0]!;
    point.attributes = point.attributes!.filter((a) => a.key !== 'dest.workload.name');
    expect(run(payload)).toMatchObject({ findings: [], incomplete: 1 });
  });
});

const shell = (over: Partial<Process>): Process => ({
  host: 'ip-10-0-1-7.ec2.internal',
  cluster: 'prod-eu',
  node: 'ip-10-0-1-7.ec2.internal',
  pid: 4242,
  executable: 'bash',
  cpu: [0.03, 0],
  memory: [0.002, 0.002],
  timeMs: T0,
  ...over,
});

describe('shell running on worker node', () => {
  test('a shell with CPU or memory above zero is one finding per host × pid, averaged like the SPL', async () => {
    const { run } = await detector(metricOptions(RULES));
    const { findings } = run(processPayload([shell({}), shell({ pid: 4243, executable: 'sh', cpu: [0, 0], memory: [0.001, 0] })]));
    expect(findings.map((f) => f.fields['process.pid'])).toEqual(['4242', '4243']);
    const bash = findings[0]!.fields;
    // Each 10 s span averages the user/system/wait points (0.03, 0.03, 0); both spans pass `cpu>0 OR memory>0`.
    expect(Number(bash['process.cpu.utilization'])).toBeCloseTo((0.02 + 0) / 2, 12);
    expect(Number(bash['process.memory.utilization'])).toBeCloseTo(0.002, 12);
    expect(bash).toMatchObject({ host: 'ip-10-0-1-7.ec2.internal', 'k8s.cluster.name': 'prod-eu', 'k8s.node.name': 'ip-10-0-1-7.ec2.internal', 'process.executable.name': 'bash' });
    // The second span of sh has zero CPU and memory: `search … >0` drops it, so only the first span is averaged.
    expect(Number(findings[1]!.fields['process.memory.utilization'])).toBeCloseTo(0.001, 12);
    expect(findings[0]!.subject).toEqual({ cluster: 'prod-eu', node: 'ip-10-0-1-7.ec2.internal' });
  });

  test('a shell with zero CPU and memory, and non-shell processes, are no finding', async () => {
    const { run } = await detector(metricOptions(RULES));
    const { findings } = run(processPayload([shell({ cpu: [0, 0], memory: [0, 0] }), shell({ pid: 1, executable: 'python3' }), shell({ pid: 2, executable: 'bashful' })]));
    expect(findings).toEqual([]);
  });

  test('zsh is not on the seed list; --shells extended adds it (and dash, ash, ksh)', async () => {
    const payload = processPayload([shell({ executable: 'zsh' }), shell({ pid: 7, executable: 'ash' })]);
    expect((await detector(metricOptions(RULES))).run(payload).findings).toEqual([]);
    const extended = (await detector(metricOptions(RULES, { shells: 'extended' }))).run(payload).findings;
    expect(extended.map((f) => f.fields['process.executable.name'])).toEqual(['zsh', 'ash']);
  });

  test('a running shell is reported once per hour window, not at every scrape', async () => {
    const { run } = await detector(metricOptions(RULES));
    expect(run(processPayload([shell({})])).findings).toHaveLength(1);
    expect(run(processPayload([shell({ timeMs: T0 + 60_000 })])).findings).toEqual([]);
    expect(run(processPayload([shell({ timeMs: T0 + HOUR })])).findings).toHaveLength(1);
  });

  test('namespace and workload of the process, when the collector adds them, reach the subject', async () => {
    const { run } = await detector(metricOptions(RULES));
    const [finding] = run(processPayload([shell({ namespace: 'shop', pod: 'cart-7d9f-abcde' })])).findings;
    expect(finding!.subject).toEqual({ cluster: 'prod-eu', node: 'ip-10-0-1-7.ec2.internal', namespace: 'shop', workload: 'cart-7d9f-abcde' });
  });

  test('a shell without k8s.cluster.name is dropped and counted, as the SPL BY list drops it', async () => {
    const { run } = await detector(metricOptions(RULES));
    const { cluster: _cluster, ...withoutCluster } = shell({});
    // 2 scrapes × (3 CPU states + 1 memory point).
    expect(run(processPayload([withoutCluster]))).toMatchObject({ findings: [], incomplete: 8 });
  });
});
