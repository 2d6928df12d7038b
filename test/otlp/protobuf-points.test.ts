// Decoded protobuf messages (Longs, null defaults) are read exactly as their OTLP/JSON shape: the same points, property-tested.
import fc from 'fast-check';
import { BudgetCounter, BudgetError, DEFAULT_DECODE_LIMITS } from '../../src/otlp/decode-budget.js';
import { decodeMetricsProtobuf, encodeMetricsProtobuf } from '../../src/otlp/otlp-protobuf.js';
import { protobufMetricPoints } from '../../src/otlp/protobuf-points.js';
import { DecodeError } from '../../src/request/decode-error.js';
import { metricPoints } from '../../src/signals/metric-points.js';
import type { OtlpKeyValue, OtlpMetricsRequest, OtlpNumberDataPoint } from '../../src/signals/otlp-metrics.js';
import { edgePayload, processPayload } from './collector-payload.js';

const RECEIVED = Date.parse('2026-03-02T12:00:00Z');
const WANTED = new Set(['tcp.packets', 'process.cpu.utilization', 'process.memory.utilization', 'm']);
const viaProtobuf = (request: object) => metricPoints(decodeMetricsProtobuf(encodeMetricsProtobuf(request)), WANTED, RECEIVED);
const budget = () => new BudgetCounter(DEFAULT_DECODE_LIMITS);
/** What the receiver runs: the wanted metrics' points read off the wire, the others skipped. */
const viaWire = (request: object) => protobufMetricPoints(encodeMetricsProtobuf(request), WANTED, RECEIVED, budget());

const uint64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const int64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });

const attribute: fc.Arbitrary<OtlpKeyValue> = fc.oneof(
  fc.record({ key: fc.constantFrom('process.pid', 'k'), value: fc.record({ intValue: int64.map(String) }) }),
  fc.record({ key: fc.constantFrom('host.name', 'k'), value: fc.record({ stringValue: fc.string() }) }),
  fc.record({ key: fc.constant('d'), value: fc.record({ doubleValue: fc.double({ noNaN: true }) }) }),
  fc.record({ key: fc.constant('b'), value: fc.record({ boolValue: fc.boolean() }) }),
);

/** Array, kvlist and empty values: shown as JSON text, which differs by encoding (protobuf drops empty lists), so compared protobuf to protobuf. */
const anyAttribute: fc.Arbitrary<OtlpKeyValue> = fc.oneof(
  attribute,
  fc.record({ key: fc.constant('a'), value: fc.record({ arrayValue: fc.record({ values: fc.array(fc.record({ stringValue: fc.string() }), { maxLength: 2 }) }) }) }),
  fc.record({ key: fc.constant('kv'), value: fc.record({ kvlistValue: fc.record({ values: fc.array(fc.record({ key: fc.string(), value: fc.record({ intValue: int64.map(String) }) }), { maxLength: 2 }) }) }) }),
  fc.record({ key: fc.constant('empty'), value: fc.constant({}) }),
);

const pointOf = (attribute: fc.Arbitrary<OtlpKeyValue>): fc.Arbitrary<OtlpNumberDataPoint> => fc.record(
  {
    attributes: fc.array(attribute, { maxLength: 3 }),
    timeUnixNano: uint64.map(String),
    asInt: int64.map(String),
    asDouble: fc.double(),
    flags: fc.constantFrom(0, 1),
  },
  { requiredKeys: [] },
).map((p) => {
  // One value at most: asInt and asDouble are a oneof.
  if (p.asInt !== undefined && p.asDouble !== undefined) delete p.asDouble;
  return p;
});

const requestOf = (attribute: fc.Arbitrary<OtlpKeyValue>, point = pointOf(attribute)): fc.Arbitrary<OtlpMetricsRequest> => fc.record({
  resourceMetrics: fc.array(
    fc.record({
      resource: fc.record({ attributes: fc.array(attribute, { maxLength: 3 }) }),
      scopeMetrics: fc.array(
        fc.record({
          metrics: fc.array(
            fc.oneof(
              fc.record({ name: fc.constantFrom('m', 'other'), gauge: fc.record({ dataPoints: fc.array(point, { maxLength: 4 }) }) }),
              fc.record({ name: fc.constantFrom('m', 'other'), sum: fc.record({ dataPoints: fc.array(point, { maxLength: 4 }), aggregationTemporality: fc.constantFrom(1, 2) }) }),
            ),
            { maxLength: 3 },
          ),
        }),
        { maxLength: 2 },
      ),
    }),
    { maxLength: 3 },
  ),
});

describe('protobuf read without conversion, by the generated decoder and straight off the wire', () => {
  test('the collector-shaped payloads give the same points over protobuf as over JSON', () => {
    const edges = edgePayload([{ cluster: 'prod-eu', source: 'frontend', dest: 'cart', timeMs: Date.parse('2026-03-02T10:00:00.123Z') }]);
    const processes = processPayload([{ host: 'n1', cluster: 'c', node: 'n1', pid: 4_194_304, executable: 'sh', cpu: [0, 0.25], memory: [0.5, 0], timeMs: Date.parse('2026-03-02T10:00:00Z') }]);
    for (const payload of [edges, processes]) {
      const points = metricPoints(payload, WANTED, RECEIVED);
      expect(points.length).toBeGreaterThan(0);
      expect(viaProtobuf(payload)).toEqual(points);
      expect(viaWire(payload)).toEqual(points);
    }
  });

  test('64-bit times, int values and int attributes beyond 2^53 are read exactly as their decimal strings', () => {
    const payload = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'process.pid', value: { intValue: '9007199254740993' } }] },
          scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: [{ timeUnixNano: '1772445600123999999', asInt: '-9223372036854775808' }] } }] }],
        },
      ],
    };
    const [p] = viaProtobuf(payload);
    expect(p).toEqual({ metric: 'm', timeMs: 1772445600123, value: -9223372036854775808, attributes: { 'process.pid': '9007199254740993' } });
    expect(metricPoints(payload, WANTED, RECEIVED)).toEqual([p]);
    expect(viaWire(payload)).toEqual([p]);
  });

  test('any request: the decoded message and the JSON shape give the same points', () => {
    fc.assert(
      fc.property(requestOf(attribute), (r) => {
        const points = metricPoints(r, WANTED, RECEIVED);
        expect(viaProtobuf(r)).toEqual(points);
        expect(viaWire(r)).toEqual(points);
      }),
      { numRuns: 300 },
    );
  });

  test('any request with nested attribute values: the wire reader shows them as the generated decoder does', () => {
    fc.assert(
      fc.property(requestOf(anyAttribute), (r) => {
        expect(viaWire(r)).toEqual(viaProtobuf(r));
      }),
      { numRuns: 300 },
    );
  });

  test('any bytes: the wire reader returns the decoder’s points or refuses with a DecodeError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        let points: unknown;
        try {
          points = protobufMetricPoints(bytes, new Set(['', 'm']), RECEIVED, budget());
        } catch (error) {
          expect(error instanceof DecodeError || error instanceof BudgetError).toBe(true);
          return;
        }
        let decoded: object | undefined;
        try {
          decoded = decodeMetricsProtobuf(bytes);
        } catch {
          return; // the generated decoder refuses what the wire reader skipped unread (a metric it does not want)
        }
        expect(points).toEqual(metricPoints(decoded, new Set(['', 'm']), RECEIVED));
      }),
      { numRuns: 2000 },
    );
  });

  test('a metric the rules do not read is skipped whole: its points are neither built nor counted', () => {
    const payload = {
      resourceMetrics: [{ scopeMetrics: [{ metrics: [
        { name: 'other', gauge: { dataPoints: Array.from({ length: 500 }, () => ({ asInt: '1', attributes: [{ key: 'k', value: { stringValue: 'v' } }] })) } },
        { name: 'm', gauge: { dataPoints: [{ asInt: '7' }] } },
      ] }] }],
    };
    const counter = budget();
    expect(protobufMetricPoints(encodeMetricsProtobuf(payload), WANTED, RECEIVED, counter).map((p) => p.value)).toEqual([7]);
    expect(counter.totals).toEqual({ resources: 1, points: 1, values: 3 });
  });
});
