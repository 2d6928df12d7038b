// OTLP metrics (JSON shape) → metric points: attribute merging, 64-bit values, what is skipped, and errors naming the field.
import { metricPoints } from '../../src/signals/metric-points.js';
import { DecodeError } from '../../src/request/decode-error.js';
import { edgePayload, nanos, processPayload } from '../otlp/collector-payload.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const RECEIVED = Date.parse('2026-03-02T12:00:00Z');

describe('metricPoints', () => {
  test('resource attributes and data point attributes are merged, the point winning', () => {
    const payload = edgePayload([{ cluster: 'prod-eu', source: 'frontend', dest: 'cart', timeMs: T0 }]);
    const point = payload.resourceMetrics![0]!.scopeMetrics![0]!.metrics![0]!.sum!.dataPoints![0]!;
    point.attributes!.push({ key: 'telemetry.sdk.name', value: { stringValue: 'overridden' } });
    const [p] = metricPoints(payload, new Set(['tcp.packets']), RECEIVED);
    expect(p).toEqual({
      metric: 'tcp.packets',
      timeMs: T0,
      value: 42,
      attributes: {
        'k8s.cluster.name': 'prod-eu',
        'telemetry.sdk.name': 'overridden',
        'source.workload.name': 'frontend',
        'dest.workload.name': 'cart',
        'source.k8s.namespace.name': 'shop',
      },
    });
  });

  test('only wanted metrics are read; int attributes (process.pid) become their decimal text', () => {
    const payload = processPayload([{ host: 'n1', cluster: 'c', node: 'n1', pid: 99, executable: 'sh', cpu: [0.5], memory: [0.25], timeMs: T0 }]);
    const points = metricPoints(payload, new Set(['process.memory.utilization']), RECEIVED);
    expect(points).toHaveLength(1);
    expect(points[0]).toMatchObject({ metric: 'process.memory.utilization', value: 0.25, timeMs: T0 });
    expect(points[0]!.attributes['process.pid']).toBe('99');
  });

  test('a point without a time gets the receive time; no-recorded-value and NaN points are skipped', () => {
    const request = {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'm',
                  gauge: {
                    dataPoints: [
                      { asDouble: 1 },
                      { timeUnixNano: '0', asInt: 2 },
                      { timeUnixNano: nanos(T0), asDouble: 3, flags: 1 },
                      { timeUnixNano: nanos(T0), asDouble: 'NaN' },
                      { timeUnixNano: nanos(T0) },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    expect(metricPoints(request, new Set(['m']), RECEIVED).map((p) => [p.value, p.timeMs])).toEqual([
      [1, RECEIVED],
      [2, RECEIVED],
    ]);
  });

  test('unknown fields and other metric types are ignored; an empty request has no points', () => {
    expect(metricPoints({}, new Set(['m']), RECEIVED)).toEqual([]);
    const request = { extra: true, resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', histogram: { dataPoints: [{}] }, whatever: 1 }] }] }] };
    expect(metricPoints(request, new Set(['m']), RECEIVED)).toEqual([]);
  });

  const bad: Array<[string, unknown, string]> = [
    ['a JSON array body', [], 'body: must be an object'],
    ['resourceMetrics not an array', { resourceMetrics: {} }, 'resourceMetrics: must be an array'],
    ['a metric without a name', { resourceMetrics: [{ scopeMetrics: [{ metrics: [{}] }] }] }, 'resourceMetrics[0].scopeMetrics[0].metrics[0].name: must be a string'],
    [
      'a time that is not an integer',
      { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', sum: { dataPoints: [{ timeUnixNano: '12:00', asInt: '1' }] } }] }] }] },
      'resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].timeUnixNano: must be a non-negative integer of nanoseconds (a decimal string or a number)',
    ],
    [
      'an asInt that is not an integer',
      { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: [{ asInt: '1.5' }] } }] }] }] },
      'resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].asInt: must be an integer (a decimal string or a number)',
    ],
    [
      'an attribute without a key',
      { resourceMetrics: [{ resource: { attributes: [{ value: { stringValue: 'x' } }] }, scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: [{ asInt: '1' }] } }] }] }] },
      'resourceMetrics[0].resource.attributes[0].key: must be a string',
    ],
    [
      "a point attribute's bad int value, deep in the second resource",
      {
        resourceMetrics: [
          { scopeMetrics: [] },
          { scopeMetrics: [{ metrics: [{ name: 'other' }, { name: 'm', sum: { dataPoints: [{ asInt: '1' }, { asInt: '2', attributes: [{ key: 'a', value: { stringValue: 'x' } }, { key: 'pid', value: { intValue: 'x1' } }] }] } }] }] },
        ],
      },
      'resourceMetrics[1].scopeMetrics[0].metrics[1].sum.dataPoints[1].attributes[1].value.intValue: must be an integer (a decimal string or a number)',
    ],
  ];

  test.each(bad)('%s → DecodeError naming the field', (_title, request, message) => {
    let caught: unknown;
    try {
      metricPoints(request, new Set(['m']), RECEIVED);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DecodeError);
    expect((caught as DecodeError).code).toBe('OTLP_INVALID');
    expect((caught as DecodeError).message).toBe(message);
  });

  test('an attribute named __proto__ is a dimension like any other (the map has no prototype)', () => {
    const request = JSON.parse(
      '{"resourceMetrics":[{"resource":{"attributes":[{"key":"__proto__","value":{"stringValue":"r"}}]},"scopeMetrics":[{"metrics":[{"name":"m","gauge":{"dataPoints":[{"asInt":"1","attributes":[{"key":"constructor","value":{"stringValue":"c"}}]}]}}]}]}]}',
    ) as unknown;
    const [point] = metricPoints(request, new Set(['m']), RECEIVED);
    expect(Object.entries(point!.attributes)).toEqual([
      ['__proto__', 'r'],
      ['constructor', 'c'],
    ]);
  });
});
