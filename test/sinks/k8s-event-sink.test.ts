// The Kubernetes Event sink against a local HTTPS test double of the API server: one Event per deny, involvedObject uid, aggregation across writers, rate limit.
import { K8sEventSink, type K8sEventSinkOptions } from '../../src/sinks/k8s-event-sink.js';
import { ClientNodeEventWriter } from '../../src/sinks/kube-event-writer.js';
import { ClientNodePodReader, METADATA_ONLY } from '../../src/sinks/kube-pod-reader.js';
import { MAX_UPSERT_ATTEMPTS } from '../../src/sinks/kube-event-upsert.js';
import { PodUidLookup } from '../../src/sinks/pod-uid-lookup.js';
import { KubeApiTestServer } from './kube-api-test-server.js';
import { riskEventsFor } from './risk-event-samples.js';
import { RecordingKubeEvents, RecordingLog, RecordingObserver } from './sink-test-kit.js';

const NP_SVC_UID = '6a05fce2-c575-48c6-95dd-591feed9640d'; // metadata.uid of capture 001's Service
const NODE_AGENT_UID = 'ea73fe14-91ab-48f1-b71f-900e0164078f'; // capture 007's DaemonSet
const SHELL_TARGET_UID = '0b9f3a52-5a4e-4d0c-9a43-5d7c2f1e8a10';

function execDenial(n = 1) {
  return riskEventsFor('011', n).map((e) => ({ ...e, action: 'deny' as const }));
}

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
  let events: RecordingKubeEvents;
  let log: RecordingLog;
  let clock: number;
  const others: K8sEventSink[] = [];

  function sinkOf(options: Partial<K8sEventSinkOptions> = {}): K8sEventSink {
    return new K8sEventSink({ writer: new ClientNodeEventWriter(api.kubeConfig()), flushMs: 3_600_000, instance: 'riskgate-0', now: () => clock, observer, events, log, ...options });
  }

  function start(options: Partial<K8sEventSinkOptions> = {}): K8sEventSink {
    observer = new RecordingObserver();
    events = new RecordingKubeEvents();
    log = new RecordingLog();
    clock = Date.parse('2026-11-20T10:00:00Z');
    sink = sinkOf(options);
    return sink;
  }

  /** Another replica (or the process after a restart): same API server, its own memory. */
  function replica(options: Partial<K8sEventSinkOptions> = {}): K8sEventSink {
    const other = sinkOf({ instance: 'riskgate-1', ...options });
    others.push(other);
    return other;
  }

  function podLookup(deadlineMs?: number): PodUidLookup {
    return new PodUidLookup({ reader: new ClientNodePodReader(api.kubeConfig()), now: () => clock, ...(deadlineMs ? { deadlineMs } : {}) });
  }

  beforeEach(async () => (api = await new KubeApiTestServer().start()));
  afterEach(async () => {
    await sink?.close();
    for (const other of others.splice(0)) await other.close();
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
      involvedObject: { kind: 'Service', name: 'web', namespace: 'team-a', apiVersion: 'v1', uid: NP_SVC_UID },
      reason: 'RiskgateDenied',
      type: 'Warning',
      count: 1,
      source: { component: 'riskgate' },
      reportingInstance: 'riskgate-0',
    });
    expect(event!.metadata.name).toMatch(/^web\.riskgate\.[0-9a-f]{16}$/);
    expect(event!.message).toContain('denied by rule kubernetes-node-port-creation: Service team-a/web is of type NodePort');
    expect(api.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /api/v1/namespaces/team-a/events']);
    expect(events.writes).toEqual(['created']);
    expect(observer.deliveredCount).toBe(1);
  });

  test('a warned DaemonSet: the Event carries the uid and apiVersion from the AdmissionReview (kubectl describe selects on the uid)', async () => {
    start({ actions: ['deny', 'warn'] });
    sink.write(riskEventsFor('007', 1));
    await sink.flush();
    expect(api.eventList()[0]!.involvedObject).toEqual({ kind: 'DaemonSet', name: 'node-agent', namespace: 'default', apiVersion: 'apps/v1', uid: NODE_AGENT_UID });
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

  test('kubectl exec into a pod is reported on the Pod, whose uid is read as metadata only', async () => {
    api.pods.set('default/shell-target', SHELL_TARGET_UID);
    start({ pods: podLookup() });
    sink.write(execDenial());
    await sink.flush();
    expect(api.eventList()[0]!.involvedObject).toEqual({ kind: 'Pod', name: 'shell-target', namespace: 'default', apiVersion: 'v1', uid: SHELL_TARGET_UID });
    const read = api.calls.find((c) => c.method === 'GET');
    expect(read).toMatchObject({ path: '/api/v1/namespaces/default/pods/shell-target', accept: METADATA_ONLY });
    expect(events.lookupFailures).toEqual([]);
  });

  test('a Pod read once serves the next windows from the cache', async () => {
    api.pods.set('default/shell-target', SHELL_TARGET_UID);
    start({ pods: podLookup(), windowMs: 10_000 });
    for (let i = 1; i <= 3; i++) {
      sink.write(execDenial(i));
      await sink.flush();
      clock += 10_000;
    }
    expect(api.eventList().map((e) => e.involvedObject.uid)).toEqual([SHELL_TARGET_UID, SHELL_TARGET_UID, SHELL_TARGET_UID]);
    expect(api.calls.filter((c) => c.method === 'GET')).toHaveLength(1);
  });

  test('a failed Pod lookup (no such Pod) still writes the Event, without uid, and is counted and logged', async () => {
    start({ pods: podLookup() });
    sink.write(execDenial());
    await sink.flush();
    expect(api.eventList()[0]!.involvedObject).toEqual({ kind: 'Pod', name: 'shell-target', namespace: 'default', apiVersion: 'v1' });
    expect(events.lookupFailures).toEqual(['http-404']);
    expect(log.lines.some((l) => l.message.startsWith("reading a Pod's uid failed"))).toBe(true);
  });

  test('a Pod lookup past its deadline is abandoned: the Event goes out without uid', async () => {
    api.pods.set('default/shell-target', SHELL_TARGET_UID);
    api.podDelayMs = 1_000;
    start({ pods: podLookup(50) });
    const started = Date.now();
    sink.write(execDenial());
    await sink.flush();
    expect(Date.now() - started).toBeLessThan(900);
    expect(api.eventList()[0]!.involvedObject.uid).toBeUndefined();
    expect(events.lookupFailures).toEqual(['timeout']);
  });

  test('two replicas in the same window count into one Event: the second create gets 409, reads it, raises the count', async () => {
    start();
    const second = replica();
    for (let i = 0; i < 3; i++) sink.write(denial(i));
    await sink.flush();
    clock += 20_000; // later in the same 10-minute window: the window start is the clock's, not the first occurrence's
    for (let i = 3; i < 5; i++) second.write(denial(i));
    await second.flush();
    const [event, ...rest] = api.eventList();
    expect(rest).toHaveLength(0);
    expect(event).toMatchObject({ count: 5, reportingInstance: 'riskgate-0', lastTimestamp: new Date(clock).toISOString() });
    expect(api.calls.map((c) => `${c.method} ${c.path.replace(/^.*\/events/, 'events')}`)).toEqual([
      'POST events',
      'POST events', // 409 AlreadyExists
      `GET events/${event!.metadata.name}`,
      `PATCH events/${event!.metadata.name}`,
    ]);
    expect(events.writes).toEqual(['created', 'updated']);
  });

  test('a restarted process increments the Event its predecessor wrote', async () => {
    start();
    sink.write(denial(1));
    sink.write(denial(2));
    await sink.close();
    clock += 60_000;
    const restarted = replica({ instance: 'riskgate-0' });
    restarted.write(denial(3));
    await restarted.flush();
    expect(api.eventList().map((e) => e.count)).toEqual([3]);
  });

  test('replicas keep raising the shared count; a stale resourceVersion gets 409 Conflict, is re-read and retried', async () => {
    start();
    const second = replica();
    sink.write(denial(1));
    await sink.flush();
    second.write(denial(2));
    await second.flush(); // count 2
    sink.write(denial(3));
    await sink.flush(); // this sink's resourceVersion is stale: Conflict, GET, PATCH → 3
    second.write(denial(4));
    await second.flush(); // 4
    expect(api.eventList().map((e) => e.count)).toEqual([4]);
    expect(api.calls.filter((c) => c.method === 'GET')).toHaveLength(3); // after the 409 AlreadyExists and the two Conflicts
  });

  test('an Event that changes under every attempt: the write fails after a bounded number of tries and is counted', async () => {
    start();
    sink.write(denial(1));
    await sink.flush();
    api.beforeAnswer = (call) => {
      if (call.method === 'PATCH') api.bumpEvent([...api.events.keys()][0]!, 1);
    };
    sink.write(denial(2));
    await sink.flush();
    expect(api.calls.filter((c) => c.method === 'PATCH')).toHaveLength(MAX_UPSERT_ATTEMPTS);
    expect(events.writes).toEqual(['created', 'failed']);
    expect(observer.failures).toEqual([{ sink: 'k8s-events', reason: 'conflict' }]);
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
