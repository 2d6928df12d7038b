// The HEC sink against a loopback HEC server: format, batching, ack, outages and recovery, restarts, malformed and stalled answers, TLS.
import { rootCertificates } from 'node:tls';
import { createCa, createServingCert } from '../../src/tls/certificates.js';
import { trustedCas } from '../../src/sinks/hec-client.js';
import { HecSink, type HecSinkOptions } from '../../src/sinks/hec-sink.js';
import type { RiskEvent } from '../../src/outputs/risk-event.js';
import { HecTestServer, type HecTestServerOptions } from './hec-test-server.js';
import { sampleEvents } from './risk-event-samples.js';
import { RecordingLog, RecordingObserver, tempDir, waitUntil } from './sink-test-kit.js';

const TOKEN = '11111111-2222-3333-4444-555555555555';

/** Fast timings so outages take milliseconds; the protocol and the code paths are the production ones. */
function fastOptions(url: string, dataDir: string, extra: Partial<HecSinkOptions> = {}): HecSinkOptions {
  return {
    url,
    token: TOKEN,
    dataDir,
    index: 'risk',
    host: 'riskgate-0',
    lingerMs: 5,
    requestTimeoutMs: 500,
    ackPollMs: 10,
    ackTimeoutMs: 2_000,
    backoff: { initialMs: 10, maxMs: 100 },
    closeDrainMs: 2_000,
    maxBatchEvents: 25,
    ...extra,
  };
}

function ids(events: readonly RiskEvent[]): Set<string> {
  return new Set(events.map((e) => e.event_id));
}

describe('HecSink', () => {
  let tmp: ReturnType<typeof tempDir>;
  let server: HecTestServer;
  const sinks: HecSink[] = [];

  async function startServer(options: Partial<HecTestServerOptions> = {}): Promise<HecTestServer> {
    server = await new HecTestServer({ token: TOKEN, ...options }).start();
    return server;
  }

  function sink(options: HecSinkOptions): HecSink {
    const s = new HecSink(options);
    sinks.push(s);
    return s;
  }

  beforeEach(() => (tmp = tempDir()));
  afterEach(async () => {
    await Promise.all(sinks.splice(0).map((s) => s.close()));
    await server?.close();
    tmp.remove();
  });

  test('sends batches in the HEC event format with the Splunk token', async () => {
    await startServer();
    const events = sampleEvents(60);
    const hec = sink(fastOptions(server.url, tmp.dir, { source: 'riskgate:test' }));
    hec.write(events);
    await server.waitFor(() => server.indexed.length === 60);
    expect(server.eventPosts).toBeLessThan(60 / 10); // batched, not one POST per event
    const first = server.indexed[0]!;
    expect(first).toMatchObject({
      time: Date.parse(events[0]!.time) / 1000,
      host: 'riskgate-0',
      source: 'riskgate:test',
      sourcetype: 'riskgate:risk',
      index: 'risk',
      fields: { riskgate_event_id: events[0]!.event_id, riskgate_rule_id: 'kubernetes-node-port-creation', riskgate_action: 'deny' },
    });
    expect(first.event).toEqual(events[0]);
    await waitUntil(() => hec.stats().queueDepth === 0, 'an empty spool');
  });

  test('a 503 outage then recovery: every event is acknowledged, each event_id indexed once after dedup', async () => {
    await startServer({ ack: true, ackAfterQueries: 2 });
    const observer = new RecordingObserver();
    const log = new RecordingLog();
    const hec = sink(fastOptions(server.url, tmp.dir, { ack: true, observer, log }));
    const before = sampleEvents(30);
    hec.write(before);
    await server.waitFor(() => server.indexed.length === 30, 20_000, 'the first events');
    await server.setMode('busy');
    const during = sampleEvents(70, 30);
    for (const e of during) hec.write([e]);
    await server.waitFor(() => server.statuses.filter((s) => s === 503).length >= 5, 20_000, 'five 503 answers');
    expect(hec.stats().queueDepth).toBe(70); // waiting in the spool, nothing lost
    await server.setMode('ok');
    await server.waitFor(() => server.uniqueIndexedIds().size === 100, 20_000, 'all 100 events acknowledged');
    expect(server.uniqueIndexedIds()).toEqual(ids([...before, ...during]));
    expect(observer.failures.some((f) => f.reason === 'http-503')).toBe(true);
    expect(log.lines.some((l) => l.message === 'HEC delivery recovered')).toBe(true);
    await waitUntil(() => observer.deliveredCount === 100, 'all 100 counted as delivered');
    expect(hec.stats().queueDepth).toBe(0);
  });

  test('riskgate restarts during an outage (connection refused): the new instance delivers everything', async () => {
    await startServer({ ack: true });
    const events = sampleEvents(40);
    await server.setMode('refuse');
    const first = sink(fastOptions(server.url, tmp.dir, { ack: true, closeDrainMs: 0 }));
    first.write(events.slice(0, 25));
    await first.close(); // restart while HEC is down
    const second = sink(fastOptions(server.url, tmp.dir, { ack: true }));
    second.write(events.slice(25));
    expect(second.stats().queueDepth).toBe(40);
    await server.setMode('ok');
    await server.waitFor(() => server.uniqueIndexedIds().size === 40, 20_000, 'all 40 events after the restart');
    expect(server.uniqueIndexedIds()).toEqual(ids(events));
  });

  test('lost acknowledgements: the batch is sent again, duplicates carry the same event_id', async () => {
    await startServer({ ack: true, ackAfterQueries: Number.POSITIVE_INFINITY });
    const events = sampleEvents(10);
    const hec = sink(fastOptions(server.url, tmp.dir, { ack: true, ackTimeoutMs: 100 }));
    hec.write(events);
    await server.waitFor(() => server.eventPosts >= 2, 20_000, 'a resend after the ack timeout');
    const received = server.received.map((e) => String(e.event['event_id']));
    expect(received.length).toBeGreaterThan(10);
    expect(new Set(received)).toEqual(ids(events)); // only duplicates, no new ids: `dedup event_id` restores the set
    expect(hec.stats().queueDepth).toBe(10); // not acknowledged: still owed
  });

  test('malformed answers and a stalled HEC are retried; write() only appends meanwhile', async () => {
    await startServer();
    const observer = new RecordingObserver();
    const hec = sink(fastOptions(server.url, tmp.dir, { observer, requestTimeoutMs: 200 }));
    await server.setMode('malformed');
    hec.write(sampleEvents(5));
    await server.waitFor(() => observer.failures.filter((f) => f.reason === 'malformed').length >= 2, 20_000, 'malformed answers');
    await server.setMode('stall');
    hec.write(sampleEvents(5, 5));
    expect(hec.stats().queueDepth).toBe(10); // write() returned with the events spooled, no HEC answer involved
    await waitUntil(() => observer.failures.some((f) => f.reason === 'timeout'), 'a request timeout');
    await server.setMode('ok');
    await server.waitFor(() => server.uniqueIndexedIds().size === 10, 20_000, 'all events after the stall');
  });

  test('an invalid token is a delivery failure (events kept), a fixed token delivers', async () => {
    await startServer();
    const observer = new RecordingObserver();
    const bad = sink(fastOptions(server.url, tmp.dir, { token: 'wrong', observer, closeDrainMs: 0 }));
    bad.write(sampleEvents(3));
    await waitUntil(() => observer.failures.length > 0, 'a failed attempt');
    expect(observer.failures[0]).toEqual({ sink: 'hec', reason: 'hec-code-4' });
    await bad.close();
    sink(fastOptions(server.url, tmp.dir));
    await server.waitFor(() => server.uniqueIndexedIds().size === 3, 20_000, 'delivery with the right token');
  });

  describe('over TLS', () => {
    const now = new Date();
    const ca = createCa({ commonName: 'hec-test-ca', now, days: 1 });
    const serving = createServingCert({ ca, commonName: '127.0.0.1', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], now, days: 1 });

    test('verifies the server against --hec-ca-file and delivers', async () => {
      await startServer({ tls: serving });
      const hec = sink(fastOptions(server.url, tmp.dir, { ca: ca.cert }));
      hec.write(sampleEvents(4));
      await server.waitFor(() => server.indexed.length === 4, 20_000, 'delivery over TLS');
    });

    test('--hec-ca-file adds its CA to the bundled ones (a public Splunk certificate still verifies) and trusts nothing else', async () => {
      const trusted = trustedCas(ca.cert);
      expect(trusted).toEqual([...rootCertificates, ca.cert]);
      expect(rootCertificates.length).toBeGreaterThan(100);
      // Another private CA given: the server signed by this one is refused, verification stays on.
      const other = createCa({ commonName: 'another-ca', now, days: 1 });
      await startServer({ tls: serving });
      const observer = new RecordingObserver();
      const hec = sink(fastOptions(server.url, tmp.dir, { ca: other.cert, observer, closeDrainMs: 0 }));
      hec.write(sampleEvents(1));
      await waitUntil(() => observer.failures.length > 0, 'a failed attempt');
      expect(observer.failures[0]?.reason).toBe('tls');
    });

    test('refuses a server whose CA it does not trust (verification is on by default)', async () => {
      await startServer({ tls: serving });
      const observer = new RecordingObserver();
      const hec = sink(fastOptions(server.url, tmp.dir, { observer, closeDrainMs: 0 }));
      hec.write(sampleEvents(2));
      await waitUntil(() => observer.failures.length > 0, 'a failed attempt');
      expect(observer.failures[0]?.reason).toBe('tls');
      expect(server.received).toHaveLength(0);
      expect(hec.stats().queueDepth).toBe(2);
    });
  });
});
