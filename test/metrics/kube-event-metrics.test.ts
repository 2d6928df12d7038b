// /metrics for Kubernetes Events: writes by outcome (created, updated, failed), failed Pod uid lookups, and occurrences delivered, from a real Event sink against the API test double.
import { riskgateMetrics } from '../../src/metrics/riskgate-metrics.js';
import { K8sEventSink } from '../../src/sinks/k8s-event-sink.js';
import { ClientNodeEventWriter } from '../../src/sinks/kube-event-writer.js';
import { ClientNodePodReader } from '../../src/sinks/kube-pod-reader.js';
import { PodUidLookup } from '../../src/sinks/pod-uid-lookup.js';
import { KubeApiTestServer } from '../sinks/kube-api-test-server.js';
import { riskEventsFor } from '../sinks/risk-event-samples.js';
import { parseExposition, valueOf, type Exposition } from './prometheus-text.js';

describe('Kubernetes Event metrics', () => {
  let api: KubeApiTestServer;
  let exposition: Exposition;

  beforeAll(async () => {
    api = await new KubeApiTestServer().start();
    const metrics = riskgateMetrics({ processMetrics: false });
    let clock = Date.parse('2026-11-20T10:00:00Z');
    const sinkOf = (instance: string) =>
      new K8sEventSink({
        writer: new ClientNodeEventWriter(api.kubeConfig()),
        pods: new PodUidLookup({ reader: new ClientNodePodReader(api.kubeConfig()) }),
        flushMs: 3_600_000,
        instance,
        now: () => clock,
        observer: metrics.sinks.observer,
        events: metrics.kubeEvents,
      });
    const first = sinkOf('riskgate-0');
    const second = sinkOf('riskgate-1');
    const deny = (n: number) => riskEventsFor('001', n);
    first.write([...deny(1), ...deny(2)]);
    await first.flush(); // created, 2 occurrences
    second.write(deny(3));
    await second.flush(); // updated (409 AlreadyExists, GET, PATCH), 1 occurrence
    first.write(riskEventsFor('011', 1).map((e) => ({ ...e, action: 'deny' as const })));
    await first.flush(); // created, Pod shell-target unknown: a failed lookup (http-404)
    clock += 1_000;
    api.beforeAnswer = (call) => {
      if (call.method === 'PATCH') api.bumpEvent([...api.events.keys()][0]!, 1); // another writer wins every time
    };
    first.write(deny(4));
    await first.flush(); // failed (conflict)
    api.beforeAnswer = () => {};
    await first.close(); // the last flush retries it: updated
    await second.close();
    exposition = parseExposition(await metrics.registry.metrics());
  });
  afterAll(() => api.close());

  test('Event writes are counted by outcome', () => {
    expect(exposition.types.get('riskgate_k8s_events_written_total')).toBe('counter');
    expect(valueOf(exposition, 'riskgate_k8s_events_written_total', { outcome: 'created' })).toBe(2);
    expect(valueOf(exposition, 'riskgate_k8s_events_written_total', { outcome: 'updated' })).toBe(2);
    expect(valueOf(exposition, 'riskgate_k8s_events_written_total', { outcome: 'failed' })).toBe(1);
    expect(valueOf(exposition, 'riskgate_sink_delivery_failures_total', { sink: 'k8s-events', reason: 'conflict' })).toBe(1);
  });

  test('occurrences that reached an Event count as delivered by the k8s-events sink', () => {
    expect(valueOf(exposition, 'riskgate_risk_events_delivered_total', { sink: 'k8s-events' })).toBe(5);
  });

  test('failed Pod uid lookups are counted by reason', () => {
    expect(valueOf(exposition, 'riskgate_k8s_event_uid_lookups_failed_total', { reason: 'http-404' })).toBe(1);
  });
});
