// Fuzzes the OTLP metrics path: hostile JSON payloads, mutated collector payloads, corrupted protobuf, and bombs over HTTP.
import fc from 'fast-check';
import { gzipSync, deflateSync, brotliCompressSync } from 'node:zlib';
import { BaselineStore } from '../../src/baseline/baseline-store.js';
import { wantedMetrics } from '../../src/engine/detect-metrics.js';
import { metricOptions } from '../../src/engine/metric-options.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { MemorySink } from '../../src/outputs/risk-sink.js';
import { MetricPipeline } from '../../src/otlp/metric-pipeline.js';
import { createOtlpApp } from '../../src/otlp/otlp-app.js';
import { decodeMetricsProtobuf, decodeStatus, encodeMetricsProtobuf } from '../../src/otlp/otlp-protobuf.js';
import { startOtlpServer } from '../../src/otlp/otlp-server.js';
import type { OtlpServer } from '../../src/otlp/otlp-server.js';
import { DecodeError } from '../../src/request/decode-error.js';
import { RULES } from '../../src/rules/catalog.js';
import { edgePayload, processPayload } from '../otlp/collector-payload.js';
import { DEPTHS, fuzzParams, HEAVY_RUNS } from './fuzz-settings.js';
import { deeplyNested, hostileJson, mutate, mutationOf, POLLUTION_KEYS } from './hostile-json.js';
import { pollutedPrototypes } from './prototype-guard.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const RECORD_ALL = parsePolicy('defaultAction: record\n', 'record.yaml', RULES);

const BASES: object[] = [
  edgePayload([
    { cluster: 'prod', source: 'frontend', dest: 'cart', timeMs: T0 },
    { cluster: 'prod', source: 'cart', dest: 'db', timeMs: T0 + 1000 },
  ]),
  processPayload([
    { host: 'node-1', cluster: 'prod', node: 'node-1', pid: 4242, executable: 'bash', cpu: [0.2, 0.1], memory: [0.01, 0.01], timeMs: T0, namespace: 'shop', pod: 'web-1' },
    { host: 'node-2', pid: 7, executable: 'nginx', cpu: [0.5], memory: [0.2], timeMs: T0 },
  ]),
];

let store: BaselineStore;
let pipeline: MetricPipeline;
const sink = new MemorySink(1000);

beforeAll(async () => {
  const options = metricOptions(RULES, { warmup: '0s' });
  store = await BaselineStore.open({ windowMs: options.baselineWindowMs });
  pipeline = new MetricPipeline({ rules: RULES, policy: () => RECORD_ALL, state: { edges: store, shellReports: store }, options, record: (e) => sink.write(e), clock: () => new Date(T0) });
});
afterAll(() => store.close());
afterEach(() => expect(pollutedPrototypes()).toEqual([]));

/** OTLP names fields `resourceMetrics[0].scopeMetrics[1].metrics[2].name`. */
function otlpField(path: Array<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Ingests; a failure must be a DecodeError naming a field of the payload in one short line. Returns the field. */
function ingestOrFieldError(payload: unknown): string | undefined {
  try {
    const batch = pipeline.ingest(payload);
    for (const event of batch.events) expect(JSON.parse(JSON.stringify(event))).toEqual(event);
    return undefined;
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    expect(error.code).toBe('OTLP_INVALID');
    expect(error.where).toMatch(/^(body|resourceMetrics)/);
    expect(error.message.length).toBeLessThanOrEqual(400);
    return error.where;
  }
}

test('any JSON value as a payload: a batch or a DecodeError naming the field', () => {
  fc.assert(
    fc.property(hostileJson, (payload) => {
      ingestOrFieldError(payload);
      ingestOrFieldError({ resourceMetrics: [payload] });
      ingestOrFieldError({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'tcp.packets', sum: payload }, { name: 'process.cpu.utilization', gauge: { dataPoints: [payload] } }] }] }] });
    }),
    fuzzParams(),
  );
});

test.each(BASES.map((b, i) => [i === 0 ? 'network edges' : 'processes', b] as const))('a collector payload of %s mutated at any path: the error names the mutated field', (_name, base) => {
  fc.assert(
    fc.property(mutationOf(base), (mutation) => {
      const where = ingestOrFieldError(mutate(base, mutation));
      if (where === undefined || where === 'body') return;
      const changed = otlpField(mutation.path);
      const related = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
      expect(related(changed, where) || related(where, changed)).toBe(true);
    }),
    fuzzParams(),
  );
});

test('prototype keys as attribute keys and values neither pollute nor crash', () => {
  for (const key of POLLUTION_KEYS) {
    const payload = JSON.parse(JSON.stringify(BASES[0]).replaceAll('"source.workload.name"', JSON.stringify(key))) as unknown;
    ingestOrFieldError(payload);
    const asValue = JSON.parse(JSON.stringify(BASES[1]).replaceAll('"bash"', JSON.stringify(key))) as unknown;
    ingestOrFieldError(asValue);
  }
});

test.each(DEPTHS)('attribute values nested %i levels deep (arrayValue, kvlistValue): a batch or a DecodeError', (depth) => {
  const arrays = `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"x"}${']}}'.repeat(depth)}`;
  const kvlists = `${'{"kvlistValue":{"values":[{"key":"k","value":'.repeat(depth)}{"stringValue":"x"}${'}]}}'.repeat(depth)}`;
  for (const deep of [arrays, kvlists, deeplyNested(depth, 'array'), deeplyNested(depth, 'object')]) {
    const text = JSON.stringify(BASES[0]).replace('{"stringValue":"frontend"}', deep);
    ingestOrFieldError(JSON.parse(text));
  }
});

test('corrupted protobuf: decoded, or refused by the decoder with an error (never a hang)', () => {
  const encoded = BASES.map((b) => encodeMetricsProtobuf(b));
  fc.assert(
    fc.property(fc.nat({ max: encoded.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 8 }), fc.nat(), (i, flips, cut) => {
      const bytes = Buffer.from(encoded[i]!);
      for (const [at, value] of flips) bytes[at % bytes.length] = value;
      const body = bytes.subarray(0, bytes.length - (cut % 8));
      let decoded: unknown;
      try {
        decoded = decodeMetricsProtobuf(body);
      } catch (error) {
        expect(error).toBeInstanceOf(Error);
        return;
      }
      ingestOrFieldError(decoded);
    }),
    fuzzParams(),
  );
});

test('random bytes as protobuf', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      try {
        ingestOrFieldError(decodeMetricsProtobuf(bytes));
      } catch (error) {
        if (error instanceof DecodeError) throw error;
        expect(error).toBeInstanceOf(Error);
      }
    }),
    fuzzParams(),
  );
});

describe('over HTTP', () => {
  let server: OtlpServer;
  let url: string;
  const logged: unknown[] = [];
  beforeAll(async () => {
    const logger = { debug: () => {}, warn: (fields: object) => void logged.push(fields), error: (fields: object) => void logged.push(fields) };
    server = await startOtlpServer(createOtlpApp({ wanted: wantedMetrics(RULES), ingestPoints: (points) => pipeline.ingestPoints(points), logger }), '127.0.0.1', 0);
    url = `http://127.0.0.1:${server.address.port}/v1/metrics`;
  });
  afterAll(() => server.close());

  const post = (body: Uint8Array | string, type: string, encoding?: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': type, ...(encoding ? { 'content-encoding': encoding } : {}) }, body });

  test.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const)('a %s bomb (24 MiB of zeros, past the 20 MiB limit, from a small body) is refused with 413, not inflated whole', async (encoding, compress) => {
    const bomb = compress(Buffer.alloc(24 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const res = await post(bomb, 'application/x-protobuf', encoding);
    expect(res.status).toBe(413);
    expect(decodeStatus(new Uint8Array(await res.arrayBuffer())).message).toMatch(/too large/i);
  });

  test('a body that claims gzip but is not gzip: 400 with a status message', async () => {
    const res = await post(Buffer.from('not gzip at all'), 'application/json', 'gzip');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message.length).toBeGreaterThan(0);
  });

  test('hostile JSON and protobuf bodies over the wire: 200, or a 4xx with an OTLP status naming the field', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileJson.map((v) => JSON.stringify(v)), fc.uint8Array({ maxLength: 200 })), async (body) => {
        const res = typeof body === 'string' ? await post(body, 'application/json') : await post(body, 'application/x-protobuf');
        expect([200, 400]).toContain(res.status);
        const bytes = new Uint8Array(await res.arrayBuffer());
        if (res.status !== 400) return;
        const status = typeof body === 'string' ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as { code: number; message: string }) : decodeStatus(bytes);
        expect(status.code).toBe(3);
        expect(status.message.length).toBeGreaterThan(0);
      }),
      fuzzParams(HEAVY_RUNS),
    );
  });

  test('a JSON body nested a million levels deep is answered (200, 400, or 413 over the decoding budget), and the receiver keeps working', async () => {
    const deep = `${'{"arrayValue":{"values":['.repeat(200_000)}{"stringValue":"x"}${']}}'.repeat(200_000)}`;
    const res = await post(JSON.stringify(BASES[0]).replace('{"stringValue":"frontend"}', deep), 'application/json');
    expect([200, 400, 413]).toContain(res.status);
    await res.arrayBuffer();
    const ok = await post(JSON.stringify(BASES[0]), 'application/json');
    expect(ok.status).toBe(200);
  });
});
