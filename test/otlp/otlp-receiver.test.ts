// The OTLP/HTTP receiver over a real loopback socket: protobuf, JSON and gzip as the otlphttp exporter sends them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defaultPolicy } from '../../src/engine/policy.js';
import type { Policy } from '../../src/engine/policy.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { RULES } from '../../src/rules/catalog.js';
import { decodeStatus, encodeMetricsProtobuf } from '../../src/otlp/otlp-protobuf.js';
import { edgePayload, processPayload } from './collector-payload.js';
import { startReceiver as startHarness } from './receiver-harness.js';
import type { Receiver } from './receiver-harness.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const HOUR = 3600_000;

let dir: string;
let receiver: Receiver;

const startReceiver = (policy: Policy = defaultPolicy(RULES)) => startHarness({ dir: join(dir, 'baseline'), policy });

function post(body: Uint8Array | string, type: string, encoding?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': type };
  if (encoding) headers['content-encoding'] = encoding;
  return fetch(receiver.url, { method: 'POST', headers, body });
}

const json = (payload: object) => post(JSON.stringify(payload), 'application/json');
const protobuf = (payload: object) => post(encodeMetricsProtobuf(payload), 'application/x-protobuf');
const edge = (source: string, dest: string, timeMs = T0) => ({ cluster: 'prod-eu', source, dest, timeMs });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'riskgate-otlp-'));
  receiver = await startReceiver();
});
afterEach(async () => {
  await receiver.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('OTLP/HTTP metrics receiver', () => {
  test('JSON: a new edge is recorded as one RBA risk event on the cluster; the answer is an empty response', async () => {
    const res = await json(edgePayload([edge('frontend', 'cart')]));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({});
    expect(receiver.sink.events).toHaveLength(1);
    expect(receiver.sink.events[0]).toMatchObject({
      search_name: 'ESCU - Kubernetes newly seen TCP edge - Rule',
      rule_id: 'kubernetes-newly-seen-tcp-edge',
      action: 'record',
      source: 'metrics',
      risk_object: 'prod-eu',
      risk_object_type: 'system',
      risk_score: 25,
      risk_message: 'Kubernetes newly seen TCP edge in kubernetes cluster prod-eu',
      analyticstories: ['Abnormal Kubernetes Behavior using Splunk Infrastructure Monitoring'],
    });
  });

  test('protobuf: the same edge; an edge already in the baseline is no event; the answer is a protobuf response', async () => {
    const first = await protobuf(edgePayload([edge('frontend', 'cart')]));
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/x-protobuf');
    expect(new Uint8Array(await first.arrayBuffer())).toEqual(new Uint8Array(0));
    await protobuf(edgePayload([edge('frontend', 'cart', T0 + HOUR)]));
    expect(receiver.sink.events.map((e) => e.fields['dest.workload.name'])).toEqual(['cart']);
  });

  test('gzip (compression: gzip in the exporter) is accepted for protobuf and JSON', async () => {
    expect((await post(gzipSync(encodeMetricsProtobuf(edgePayload([edge('a', 'b')]))), 'application/x-protobuf', 'gzip')).status).toBe(200);
    expect((await post(gzipSync(JSON.stringify(edgePayload([edge('a', 'c')]))), 'application/json', 'gzip')).status).toBe(200);
    expect(receiver.sink.events.map((e) => e.fields['dest.workload.name'])).toEqual(['b', 'c']);
  });

  test('a shell process over protobuf is recorded on its host', async () => {
    const res = await protobuf(processPayload([{ host: 'node-7', cluster: 'prod-eu', node: 'node-7', pid: 31337, executable: 'sh', cpu: [0.01], memory: [0.003], timeMs: T0 }]));
    expect(res.status).toBe(200);
    expect(receiver.sink.events).toHaveLength(1);
    expect(receiver.sink.events[0]).toMatchObject({
      search_name: 'ESCU - Kubernetes Shell Running on Worker Node - Rule',
      risk_object: 'node-7',
      risk_object_type: 'system',
      risk_score: 25,
      risk_message: 'Kubernetes shell running on worker node on host node-7',
      threat_object: ['sh'],
      threat_object_type: ['process_name'],
    });
  });

  test('malformed protobuf → 400 with a google.rpc.Status message; nothing else is lost', async () => {
    await protobuf(edgePayload([edge('frontend', 'cart')]));
    const res = await post(Buffer.from('this is not protobuf at all'), 'application/x-protobuf');
    expect(res.status).toBe(400);
    const status = decodeStatus(new Uint8Array(await res.arrayBuffer()));
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/^body: not an ExportMetricsServiceRequest: /);
    expect(receiver.warnings).toEqual([expect.objectContaining({ code: 'OTLP_PROTOBUF', where: 'body' })]);
    expect(receiver.store.lastSeen('["prod-eu","frontend","cart"]')).toBe(T0);
    expect((await protobuf(edgePayload([edge('frontend', 'cart', T0 + HOUR), edge('frontend', 'search', T0 + HOUR)]))).status).toBe(200);
    expect(receiver.sink.events.map((e) => e.fields['dest.workload.name'])).toEqual(['cart', 'search']);
  });

  test('malformed JSON → 400 with a JSON Status naming the problem', async () => {
    const res = await post('{"resourceMetrics": [', 'application/json');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: number; message: string };
    expect(body.code).toBe(3);
    expect(body.message).toMatch(/^body: not JSON: /);
  });

  test('a payload with one bad point is refused whole: its good edges are not learned half-way', async () => {
    const payload = edgePayload([edge('frontend', 'cart')]);
    const bad = edgePayload([edge('frontend', 'broken')]);
    bad.resourceMetrics![0]!.scopeMetrics![0]!.metrics![0]!.sum!.dataPoints![0]!.asInt = 'lots';
    const res = await json({ resourceMetrics: [...payload.resourceMetrics!, ...bad.resourceMetrics!] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe(
      'resourceMetrics[1].scopeMetrics[0].metrics[0].sum.dataPoints[0].asInt: must be an integer (a decimal string or a number)',
    );
    expect(receiver.store.size).toBe(0);
    expect(receiver.sink.events).toEqual([]);
    await json(payload);
    expect(receiver.sink.events).toHaveLength(1);
  });

  test('gzip that does not inflate → 400; an unknown content type → 415; GET → 405', async () => {
    const broken = await post(Buffer.from('not gzip'), 'application/x-protobuf', 'gzip');
    expect(broken.status).toBe(400);
    expect(decodeStatus(new Uint8Array(await broken.arrayBuffer())).message).toMatch(/^request body: /);
    const text = await post('hello', 'text/plain');
    expect(text.status).toBe(415);
    expect(((await text.json()) as { message: string }).message).toContain('application/x-protobuf or application/json');
    const get = await fetch(receiver.url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  test('a restart keeps the baseline: the edge learned before is not new after it', async () => {
    await protobuf(edgePayload([edge('frontend', 'cart')]));
    await receiver.stop();
    receiver = await startReceiver();
    await protobuf(edgePayload([edge('frontend', 'cart', T0 + HOUR), edge('frontend', 'admin', T0 + HOUR)]));
    expect(receiver.sink.events.map((e) => e.fields['dest.workload.name'])).toEqual(['admin']);
  });

  test('metric findings go through the policy: cluster and node exemptions', async () => {
    await receiver.stop();
    const policy = parsePolicy(
      [
        'apiVersion: riskgate.io/v1',
        'kind: Policy',
        'rules:',
        '  kubernetes-newly-seen-tcp-edge:',
        '    exemptions:',
        '      clusters: [prod-*]',
        '  kubernetes-shell-running-on-worker-node:',
        '    exemptions:',
        '      nodes: [node-7]',
      ].join('\n'),
      'policy.yaml',
      RULES,
    );
    receiver = await startReceiver(policy);
    await protobuf(edgePayload([edge('frontend', 'cart'), { cluster: 'staging', source: 'frontend', dest: 'cart', timeMs: T0 }]));
    const shell = { cluster: 'prod-eu', pid: 1, executable: 'bash', cpu: [0.5], memory: [0.5], timeMs: T0 };
    await protobuf(processPayload([{ ...shell, host: 'node-7', node: 'node-7' }, { ...shell, host: 'node-8', node: 'node-8' }]));
    expect(receiver.sink.events.map((e) => `${e.rule_id} ${e.risk_object}`)).toEqual([
      'kubernetes-newly-seen-tcp-edge staging',
      'kubernetes-shell-running-on-worker-node node-8',
    ]);
  });

  test('a metric rule with action off records nothing, but its baseline keeps learning', async () => {
    await receiver.stop();
    const policy = parsePolicy('apiVersion: riskgate.io/v1\nkind: Policy\nrules:\n  kubernetes-newly-seen-tcp-edge:\n    action: "off"\n', 'policy.yaml', RULES);
    receiver = await startReceiver(policy);
    await protobuf(edgePayload([edge('frontend', 'cart')]));
    expect(receiver.sink.events).toEqual([]);
    expect(receiver.store.lastSeen('["prod-eu","frontend","cart"]')).toBe(T0);
  });
});
