// The Kubernetes Event sink against a local HTTPS test double of the API server: one Event per deny, aggregation, rate limit.
import { K8sEventSink, type K8sEventSinkOptions } from '../../src/sinks/k8s-event-sink.js';
import { ClientNodeEventWriter } from '../../src/sinks/kube-event-writer.js';
import { KubeApiTestServer } from './kube-api-test-server.js';
import { riskEventsFor } from './risk-event-samples.js';
import { RecordingLog, RecordingObserver } from './sink-test-kit.js';

function denial(n: number, name = 'np-svc', namespace = 'default') {
  return riskEventsFor('001', n, new Date(), (r) => {
    r.name = name;
    r.namespace = namespace;
  });
}

describe('K8sEventSink', () => {
  let api: KubeApiTestServer;
  let sink: K8sEventSink;
  let observer: RecordingObserver;
  let log: RecordingLog;
  let clock: number;

  function start(options: Partial<K8sEventSinkOptions> = {}): K8sEventSink {
    observer = new RecordingObserver();
    log = new RecordingLog();
    clock = Date.parse('2026-11-20T10:00:00Z');
    sink = new K8sEventSink({ writer: new ClientNodeEventWriter(api.kubeConfig()), flushMs: 3_600_000, instance: 'riskgate-0', now: () => clock, observer, log, ...options });
    return sink;
  }

  beforeEach(async () => (api = await new KubeApiTestServer().start()));
  afterEach(async () => {
    await sink?.close();
    await api.close();
  });

  test('a deny becomes one Warning Event on the object, in its namespace', async () => {
    start();
    sink.write(denial(1, 'web', 'team-a'));
    await sink.flush();
    const [event, ...rest] = api.eventList();
    expect(rest).toHaveLength(0);
    expect(event).toMatchObject({
      metadata: { namespace: 'team-a' },
      involvedObject: { kind: 'Service', name: 'web', namespace: 'team-a' },
      reason: 'RiskgateDenied',
      type: 'Warning',
      count: 1,
      source: { component: 'riskgate' },
      reportingInstance: 'riskgate-0',
    });
    expect(event!.metadata.name).toMatch(/^web\.riskgate\.[0-9a-f]{16}$/);
    expect(event!.message).toContain('denied by rule kubernetes-node-port-creation: Service team-a/web is of type NodePort');
    expect(api.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /api/v1/namespaces/team-a/events']);
  });

  test('warn verdicts get an Event only when asked; record verdicts never', async () => {
    const warnEvents = riskEventsFor('007', 1); // DaemonSet: warn in the sample policy
    start();
    sink.write(warnEvents);
    await sink.flush();
    expect(api.eventList()).toHaveLength(0);
    await sink.close();
    start({ actions: ['deny', 'warn'] });
    sink.write(warnEvents);
    sink.write(warnEvents.map((e) => ({ ...e, action: 'record' as const, fields: { ...e.fields, uid: 'other' } })));
    await sink.flush();
    expect(api.eventList().map((e) => e.reason)).toEqual(['RiskgateWarned']);
  });

  test('a flood on one object within the window is one Event whose count is patched (merge patch)', async () => {
    start();
    for (let i = 0; i < 200; i++) sink.write(denial(i));
    await sink.flush();
    clock += 30_000;
    for (let i = 200; i < 250; i++) sink.write(denial(i));
    await sink.flush();
    const events = api.eventList();
    expect(events).toHaveLength(1);
    expect(events[0]!.count).toBe(250);
    expect(events[0]!.lastTimestamp).toBe(new Date(clock).toISOString());
    const writes = api.calls.map((c) => `${c.method} ${c.contentType}`);
    expect(writes.length).toBeLessThanOrEqual(3); // one create, at most one patch per flush
    expect(writes.slice(1).every((w) => w === 'PATCH application/merge-patch+json')).toBe(true);
  });

  test('after the window a new Event starts; distinct objects get distinct Events', async () => {
    start({ windowMs: 60_000 });
    sink.write(denial(1, 'a'));
    sink.write(denial(2, 'b'));
    await sink.flush();
    clock += 61_000;
    sink.write(denial(3, 'a'));
    await sink.flush();
    const byObject = api.eventList().map((e) => `${e.involvedObject.name}:${e.count}`).sort();
    expect(byObject).toEqual(['a:1', 'a:1', 'b:1']);
  });

  test('the token bucket caps API writes; the Events it drops are counted and logged', async () => {
    start({ burst: 5, perSecond: 0 });
    for (let i = 0; i < 20; i++) sink.write(denial(i, `svc-${i}`));
    await sink.flush();
    expect(api.eventList()).toHaveLength(5);
    expect(observer.drops.reduce((sum, d) => sum + (d.reason === 'rate-limited' ? d.count : 0), 0)).toBe(15);
    expect(log.lines.some((l) => l.message.startsWith('Kubernetes Event rate limit reached'))).toBe(true);
  });

  test('counts of existing Events wait for a token instead of being lost', async () => {
    start({ burst: 1, perSecond: 1 });
    sink.write(denial(1));
    await sink.flush(); // spends the only token
    for (let i = 2; i <= 10; i++) sink.write(denial(i));
    await sink.flush(); // no token: nothing written, nothing dropped
    expect(api.eventList()[0]!.count).toBe(1);
    clock += 1_000;
    await sink.flush();
    expect(api.eventList()[0]!.count).toBe(10);
    expect(observer.drops).toEqual([]);
  });

  test('kubectl exec into a pod is reported on the Pod', async () => {
    start();
    const exec = riskEventsFor('011', 1).map((e) => ({ ...e, action: 'deny' as const }));
    sink.write(exec);
    await sink.flush();
    expect(api.eventList()[0]!.involvedObject).toMatchObject({ kind: 'Pod', name: String(exec[0]!.fields['name']) });
  });

  test('an Event deleted meanwhile (events TTL) is created again', async () => {
    start();
    sink.write(denial(1));
    await sink.flush();
    api.events.clear();
    sink.write(denial(2));
    await sink.flush(); // PATCH → 404
    sink.write(denial(3));
    await sink.flush(); // POST again with the full count
    expect(api.eventList().map((e) => e.count)).toEqual([3]);
  });
});
