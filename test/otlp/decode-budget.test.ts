// The OTLP decoding budget: what a body would decode into is counted before it is built (JSON's scan: json-metric-scan.test.ts).
import { BudgetCounter, BudgetError, DEFAULT_DECODE_LIMITS } from '../../src/otlp/decode-budget.js';
import { checkAnyValueBudget } from '../../src/otlp/protobuf-budget.js';
import { pointsWithinBudget } from '../../src/otlp/otlp-app.js';
import { encodeMetricsProtobuf } from '../../src/otlp/otlp-protobuf.js';
import { DecodeError } from '../../src/request/decode-error.js';
import { wantedMetrics } from '../../src/engine/detect-metrics.js';
import { RULES } from '../../src/rules/catalog.js';

const WANTED = wantedMetrics(RULES);
const RECEIVED = Date.parse('2026-03-02T12:00:00Z');
const protobufPoints = (body: Uint8Array, c: BudgetCounter) => pointsWithinBudget(Buffer.from(body), 'protobuf', c, WANTED, RECEIVED);
import { edgePayload } from './collector-payload.js';

const counter = (limits: Partial<typeof DEFAULT_DECODE_LIMITS> = {}) => new BudgetCounter({ ...DEFAULT_DECODE_LIMITS, ...limits });

describe('protobuf is read off the wire, counting what it builds as it goes', () => {
  test('7 M empty resourceMetrics (two bytes each) are refused at the resource limit', () => {
    const body = Buffer.alloc(14_000_000);
    for (let i = 0; i < body.length; i += 2) body[i] = 0x0a;
    let error: unknown;
    try {
      protobufPoints(body, counter());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BudgetError);
    expect((error as BudgetError).limit).toBe('resources');
    expect((error as Error).message).toBe("the body is too large: over the receiver's resourceMetrics limit (10000); send smaller batches");
  });

  test('a collector batch of 2,000 edges (and one tcp.bytes point) is within the default budget, in both encodings, and counts its points', () => {
    const payload = edgePayload(Array.from({ length: 2000 }, (_, i) => ({ cluster: 'prod', source: `s${i}`, dest: 'db', timeMs: 1 })));
    const proto = counter();
    expect(protobufPoints(encodeMetricsProtobuf(payload), proto)).toHaveLength(2000);
    // Protobuf counts what it builds: the tcp.bytes point, which no rule reads, is skipped unread.
    expect(proto.totals).toMatchObject({ resources: 1, points: 2000 });
    const json = counter();
    const text = Buffer.from(JSON.stringify(payload));
    expect(pointsWithinBudget(text, 'json', json, WANTED, RECEIVED)).toHaveLength(2000);
    // The JSON scan counts every point of every metric (a body parsed whole would build them all).
    expect(json.totals).toMatchObject({ resources: 1, points: 2001 });
    expect(json.totals.values).toBeLessThan(DEFAULT_DECODE_LIMITS.values / 4);
  });

  test('the point limit holds for both encodings', () => {
    const payload = edgePayload(Array.from({ length: 11 }, (_, i) => ({ cluster: 'prod', source: `s${i}`, dest: 'db', timeMs: 1 })));
    expect(() => protobufPoints(encodeMetricsProtobuf(payload), counter({ points: 10 }))).toThrow(/data points limit \(10\)/);
    expect(() => pointsWithinBudget(Buffer.from(JSON.stringify(payload)), 'json', counter({ points: 10 }), WANTED, RECEIVED)).toThrow(/data points limit \(10\)/);
  });

  test('a metric the rules do not read costs one value however large; truncated or group-typed input is a DecodeError naming the body', () => {
    const c = counter();
    // resourceMetrics { scopeMetrics { metric { histogram(9) { dataPoint { bucket_counts(6): 800 bytes } } } } }
    const point = Buffer.concat([Buffer.from([0x32, 0xa0, 0x06]), Buffer.alloc(800)]);
    expect(protobufPoints(wrap(1, wrap(2, wrap(2, wrap(9, wrap(1, point))))), c)).toEqual([]);
    expect(c.totals).toEqual({ resources: 1, points: 0, values: 1 });
    expect(() => protobufPoints(Buffer.from([0x0a, 0x05, 0x00]), counter())).toThrow(DecodeError);
    expect(() => protobufPoints(Buffer.from([0x0b]), counter())).toThrow(/^body: not an ExportMetricsServiceRequest: field 1 has wire type 3, not 2$/);
  });

  test('a nested attribute value (array, kvlist) is walked before it is decoded: a packed array counts per 8 bytes, a deep nesting is refused', () => {
    // AnyValue { bytes_value(7): 800 bytes }
    const c = counter();
    checkAnyValueBudget(wrap(7, Buffer.alloc(800)), c);
    expect(c.totals.values).toBeGreaterThanOrEqual(100);
    let deep = Buffer.from(wrap(1, Buffer.alloc(0)));
    for (let i = 0; i < 40; i++) deep = wrap(5, wrap(1, deep)); // arrayValue { values { arrayValue { … } } }
    expect(() => checkAnyValueBudget(deep, counter())).toThrow(/nested more than 32 levels deep/);
  });
});

const wrap = (field: number, inner: Buffer) => Buffer.concat([Buffer.from([(field << 3) | 2]), varint(inner.length), inner]);

function varint(n: number): Buffer {
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  bytes.push(n);
  return Buffer.from(bytes);
}
