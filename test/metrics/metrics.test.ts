// /metrics as Prometheus scrapes it: names, labels, histogram buckets, sink counters and gauges, certificate expiry, process metrics.
import { parsePolicy } from '../../src/engine/policy-file.js';
import { riskgateMetrics } from '../../src/metrics/riskgate-metrics.js';
import { REVIEW_LATENCY_BUCKETS } from '../../src/metrics/review-metrics.js';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/metrics-server.js';
import { RULES } from '../../src/rules/catalog.js';
import { join } from 'node:path';
import { HecSink } from '../../src/sinks/hec-sink.js';
import type { SinkObserver } from '../../src/sinks/sink-observer.js';
import { SpoolSink } from '../../src/sinks/spool-sink.js';
import { createCa } from '../../src/tls/certificates.js';
import { expiryOf } from '../../src/tls/certificate-lifetime.js';
import { reviewAdmission } from '../../src/webhook/review.js';
import { capturedReview } from '../fixture-path.js';
import { sampleEvents } from '../sinks/risk-event-samples.js';
import { RecordingLog, RecordingObserver, tempDir, waitUntil } from '../sinks/sink-test-kit.js';
import { parseExposition, valueOf, type Exposition } from './prometheus-text.js';

const POLICY = parsePolicy(
  'rules:\n  kubernetes-node-port-creation:\n    action: deny\n    exemptions: {namespaces: [kube-system]}\n  kubernetes-daemonset-deployed: {action: warn}\n',
  'policy.yaml',
  RULES,
);

function review(prefix: string, change: (body: { request: { namespace: string } }) => void = () => {}) {
  const body = structuredClone(capturedReview(prefix)) as { request: { namespace: string } };
  change(body);
  return reviewAdmission({ body, policy: POLICY, rules: RULES, now: new Date(), scope: 'all' });
}

describe('riskgate /metrics', () => {
  const ca = createCa({ commonName: 'metrics-test', now: new Date(), days: 30 });
  let server: MetricsServer;
  let tmp: ReturnType<typeof tempDir>;
  const metrics = riskgateMetrics({ certificateExpiry: () => expiryOf(ca.cert) });
  let exposition: Exposition;
  let droppedByHec = 0;
  let queuedInHec = 0;

  beforeAll(async () => {
    tmp = tempDir();
    server = await startMetricsServer(metrics.registry, '127.0.0.1', 0);
    metrics.reviews.onReview(review('001'), 1.2); // NodePort: deny
    metrics.reviews.onReview(review('001', (b) => (b.request.namespace = 'kube-system')), 0.8); // exempted
    metrics.reviews.onReview(review('007'), 3.5); // DaemonSet: warn
    metrics.reviews.onReview(review('002'), 0.3); // ClusterIP: no rule
    metrics.reviews.onRejected({ status: 400, code: 'BAD_REVIEW', message: 'x', field: 'request.uid', path: '/validate' }, 0.1);
    const store = new SpoolSink({ dataDir: join(tmp.dir, 'store'), maxBytes: 16 * 1024, archiveMaxBytes: 1024 * 1024, fsyncIntervalMs: 50, sinkName: 'store', log: new RecordingLog(), observer: metrics.sinks.observer });
    metrics.sinks.watch(() => store.stats());
    // Until a segment is archived, then one more event: the open segment holds it whatever the size of an event.
    for (const e of sampleEvents(40)) {
      store.write([e]);
      if (store.stats().archiveBytes! > 0) break;
    }
    store.write(sampleEvents(1, 40));
    // A HEC that refuses connections and a 16 KiB spool: real failures and real drops.
    const observed = new RecordingObserver();
    const both: SinkObserver = {
      dropped: (...a) => (metrics.sinks.observer.dropped(...a), observed.dropped(...a)),
      deliveryFailed: (...a) => (metrics.sinks.observer.deliveryFailed(...a), observed.deliveryFailed(...a)),
      delivered: (...a) => metrics.sinks.observer.delivered(...a),
    };
    const failing = new HecSink({ url: 'http://127.0.0.1:9', token: 't', dataDir: join(tmp.dir, 'hec'), spoolMaxBytes: 16 * 1024, backoff: { initialMs: 5, maxMs: 20 }, closeDrainMs: 0, observer: both });
    metrics.sinks.watch(() => failing.stats());
    for (const e of sampleEvents(40)) failing.write([e]);
    await waitUntil(() => observed.failures.length >= 2, 'two failed attempts');
    droppedByHec = observed.drops.reduce((sum, d) => sum + d.count, 0);
    queuedInHec = failing.stats().queueDepth;
    const response = await fetch(`http://127.0.0.1:${server.address.port}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    exposition = parseExposition(await response.text());
    await store.close();
    await failing.close();
  });
  afterAll(async () => {
    await server.close();
    tmp.remove();
  });

  test('reviews are counted by rule, action, result and scope', () => {
    expect(valueOf(exposition, 'riskgate_reviews_total', { rule: 'kubernetes-node-port-creation', action: 'deny', result: 'denied', scope: 'all' })).toBe(1);
    expect(valueOf(exposition, 'riskgate_reviews_total', { rule: 'kubernetes-node-port-creation', action: 'exempt', result: 'allowed' })).toBe(1);
    expect(valueOf(exposition, 'riskgate_reviews_total', { rule: 'kubernetes-daemonset-deployed', action: 'warn', result: 'allowed' })).toBe(1);
    expect(valueOf(exposition, 'riskgate_reviews_total', { rule: 'none', action: 'none', result: 'allowed' })).toBe(1);
    expect(valueOf(exposition, 'riskgate_review_rejections_total', { code: 'BAD_REVIEW' })).toBe(1);
    expect(exposition.types.get('riskgate_reviews_total')).toBe('counter');
  });

  test('the latency histogram has fine buckets below 5 ms', () => {
    expect(exposition.types.get('riskgate_review_duration_seconds')).toBe('histogram');
    const buckets = exposition.samples.filter((s) => s.name === 'riskgate_review_duration_seconds_bucket' && s.labels['scope'] === 'all');
    const bounds = buckets.map((b) => b.labels['le']);
    expect(bounds).toEqual([...REVIEW_LATENCY_BUCKETS.map(String), '+Inf']);
    expect(REVIEW_LATENCY_BUCKETS.filter((b) => b < 0.005).length).toBeGreaterThanOrEqual(9);
    expect(valueOf(exposition, 'riskgate_review_duration_seconds_bucket', { le: '0.001' })).toBe(2); // 0.3 ms and 0.8 ms
    expect(valueOf(exposition, 'riskgate_review_duration_seconds_bucket', { le: '0.004' })).toBe(4);
    expect(valueOf(exposition, 'riskgate_review_duration_seconds_count')).toBe(4);
  });

  test('sink counters and gauges: drops, failures, deliveries, queue depth, spool bytes', () => {
    expect(droppedByHec).toBeGreaterThan(0);
    expect(valueOf(exposition, 'riskgate_risk_events_dropped_total', { sink: 'hec', reason: 'spool-full' })).toBe(droppedByHec);
    expect(valueOf(exposition, 'riskgate_sink_delivery_failures_total', { sink: 'hec', reason: 'connection' })).toBeGreaterThanOrEqual(2);
    expect(valueOf(exposition, 'riskgate_sink_queue_depth', { sink: 'hec' })).toBe(queuedInHec);
    expect(droppedByHec + queuedInHec).toBe(40);
    expect(valueOf(exposition, 'riskgate_sink_queue_depth', { sink: 'store' })).toBe(0);
    expect(valueOf(exposition, 'riskgate_spool_bytes', { sink: 'store', state: 'delivered' })).toBeGreaterThan(0);
    expect(valueOf(exposition, 'riskgate_spool_bytes', { sink: 'store', state: 'pending' })).toBeGreaterThan(0);
  });

  test('certificate days to expiry and process metrics', () => {
    const days = valueOf(exposition, 'riskgate_certificate_expiry_days');
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    for (const name of ['riskgate_process_cpu_user_seconds_total', 'riskgate_process_resident_memory_bytes', 'riskgate_nodejs_eventloop_lag_seconds', 'riskgate_process_open_fds']) {
      expect(exposition.types.has(name)).toBe(true);
    }
  });

  test('anything but GET /metrics is a 404', async () => {
    const response = await fetch(`http://127.0.0.1:${server.address.port}/`);
    expect(response.status).toBe(404);
  });
});

describe('riskgate_review_duration_seconds between scrapes', () => {
  test('every review is in the histogram at the next scrape, however many came between two scrapes', async () => {
    const { registry, reviews } = riskgateMetrics({ processMetrics: false });
    const clusterIp = review('002');
    const observe = (count: number, durationMs: number, scope: 'all' | 'enforce') => {
      for (let i = 0; i < count; i++) reviews.onReview({ ...clusterIp, scope }, durationMs);
    };
    observe(2500, 0.2, 'all'); // thousands of reviews before the first scrape
    observe(3, 7, 'enforce');
    let scraped = parseExposition(await registry.metrics());
    expect(valueOf(scraped, 'riskgate_review_duration_seconds_count', { scope: 'all' })).toBe(2500);
    expect(valueOf(scraped, 'riskgate_review_duration_seconds_bucket', { scope: 'all', le: '0.00025' })).toBe(2500);
    expect(valueOf(scraped, 'riskgate_review_duration_seconds_sum', { scope: 'all' })).toBeCloseTo(0.5, 6);
    expect(valueOf(scraped, 'riskgate_review_duration_seconds_count', { scope: 'enforce' })).toBe(3);
    expect(valueOf(scraped, 'riskgate_review_duration_seconds_bucket', { scope: 'enforce', le: '0.005' })).toBe(0);
    expect(valueOf(scraped, 'riskgate_review_duration_seconds_bucket', { scope: 'enforce', le: '0.0075' })).toBe(3);
    observe(1, 30, 'all');
    scraped = parseExposition(await registry.metrics());
    expect(valueOf(scraped, 'riskgate_review_duration_seconds_count', { scope: 'all' })).toBe(2501);
    expect(valueOf(scraped, 'riskgate_review_duration_seconds_bucket', { scope: 'all', le: '0.025' })).toBe(2500);
    expect(valueOf(scraped, 'riskgate_review_duration_seconds_bucket', { scope: 'all', le: '0.05' })).toBe(2501);
  });
});
