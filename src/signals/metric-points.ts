// Signal adapter: an ExportMetricsServiceRequest (JSON shape or decoded protobuf message) → flat metric points of the wanted metrics.
import { DecodeError } from '../request/decode-error.js';
import { MAX_JSON_DEPTH, tooDeepPath } from '../request/json-depth.js';
import type { LongBits, OtlpAnyValue, OtlpKeyValue } from './otlp-metrics.js';

/** One gauge or sum data point of a wanted metric, with its resource attributes under its own (the point's win). */
export interface MetricPoint {
  metric: string;
  /** Milliseconds since the epoch: the point's timeUnixNano, or the receive time when the point has none. */
  timeMs: number;
  value: number;
  attributes: Readonly<Record<string, string>>;
}

type Obj = Record<string, unknown>;

const NO_RECORDED_VALUE = 1;
const TWO_POW_32 = 4294967296;
const DIGITS = /^\d+$/;
const INTEGER = /^-?\d+$/;

function fail(where: string, detail: string): never {
  throw new DecodeError('OTLP_INVALID', where, detail);
}

function object(value: unknown, where: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'must be an object');
  return value as Obj;
}

/** A repeated field: absent or null is empty. */
function list(value: unknown, where: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(where, 'must be an array');
  return value;
}

/** Absent: undefined in JSON, null for an unset field of a decoded protobuf message. */
const absent = (value: unknown): value is undefined | null => value === undefined || value === null;

/** An AnyValue as the string SPL would show for the dimension; undefined for an empty value. */
function anyValueText(value: unknown, where: string): string | undefined {
  if (absent(value)) return undefined;
  const v = object(value, where) as OtlpAnyValue;
  if (!absent(v.stringValue)) {
    if (typeof v.stringValue !== 'string') fail(`${where}.stringValue`, 'must be a string');
    return v.stringValue;
  }
  if (!absent(v.intValue)) return intText(v.intValue, `${where}.intValue`);
  if (!absent(v.doubleValue)) return String(double(v.doubleValue, `${where}.doubleValue`));
  if (!absent(v.boolValue)) {
    if (typeof v.boolValue !== 'boolean') fail(`${where}.boolValue`, 'must be a boolean');
    return String(v.boolValue);
  }
  if (!absent(v.arrayValue) || !absent(v.kvlistValue) || !absent(v.bytesValue)) {
    // Shown as its JSON text; JSON.stringify recurses, so a hostile nesting is refused first.
    if (tooDeepPath(value)) fail(where, `is nested more than ${MAX_JSON_DEPTH} levels deep`);
    return JSON.stringify(value);
  }
  return undefined;
}

function isLong(value: unknown): value is LongBits {
  return typeof value === 'object' && value !== null && typeof (value as LongBits).low === 'number' && typeof (value as LongBits).high === 'number';
}

/** A Long's value as a number (exact up to 2^53, like a decimal string read with Number()). */
function longNumber(v: LongBits): number {
  return (v.unsigned ? v.high >>> 0 : v.high) * TWO_POW_32 + (v.low >>> 0);
}

/** A Long's exact decimal text (a pid, or any int attribute). */
function longText(v: LongBits): string {
  const n = longNumber(v);
  if (Number.isSafeInteger(n)) return String(n);
  const bits = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return String(v.unsigned ? bits : BigInt.asIntN(64, bits));
}

/** Unsigned nanoseconds in a Long → whole milliseconds, exactly, in doubles: 2^32 = 4294 × 10^6 + 967296. */
function longMs(v: LongBits): number {
  const high = v.high >>> 0;
  return high * 4294 + Math.floor((high * 967296 + (v.low >>> 0)) / 1e6);
}

/** An int attribute's exact decimal text (a pid), whether it came as a Long, a decimal string or a number. */
function intText(value: unknown, where: string): string {
  if (isLong(value)) return longText(value);
  if (typeof value === 'string' && INTEGER.test(value) && value.length > 15) return String(BigInt(value));
  return String(int64(value, where));
}

function int64(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && INTEGER.test(value)) return Number(value);
  if (isLong(value)) return longNumber(value);
  return fail(where, 'must be an integer (a decimal string or a number)');
}

function double(value: unknown, where: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
  return fail(where, 'must be a number');
}

/** Nanoseconds since the epoch → milliseconds; 0 or absent means "unknown". */
function timeMs(value: unknown, where: string): number | undefined {
  if (absent(value)) return undefined;
  let ms: number;
  if (typeof value === 'string' && DIGITS.test(value)) ms = value.length > 6 ? Number(value.slice(0, -6)) : 0;
  else if (typeof value === 'number' && Number.isInteger(value) && value >= 0) ms = Math.floor(value / 1e6);
  else if (isLong(value)) ms = longMs(value);
  else return fail(where, 'must be a non-negative integer of nanoseconds (a decimal string or a number)');
  return ms > 0 ? ms : undefined;
}

export function attributesOf(value: unknown, where: string, into: Record<string, string> = {}): Record<string, string> {
  list(value, where).forEach((item, i) => {
    const kv = object(item, `${where}[${i}]`) as Partial<OtlpKeyValue>;
    if (typeof kv.key !== 'string') fail(`${where}[${i}].key`, 'must be a string');
    const text = anyValueText(kv.value, `${where}[${i}].value`);
    if (text !== undefined) into[kv.key] = text;
  });
  return into;
}

function pointValue(point: Obj, where: string): number | undefined {
  if (typeof point['flags'] === 'number' && (point['flags'] & NO_RECORDED_VALUE) !== 0) return undefined;
  let value: number | undefined;
  if (point['asDouble'] !== undefined && point['asDouble'] !== null) value = double(point['asDouble'], `${where}.asDouble`);
  else if (point['asInt'] !== undefined && point['asInt'] !== null) value = int64(point['asInt'], `${where}.asInt`);
  return value === undefined || Number.isNaN(value) ? undefined : value;
}

function pointsOfMetric(metric: Obj, name: string, where: string, resource: Readonly<Record<string, string>>, fallbackMs: number, out: MetricPoint[]): void {
  for (const kind of ['gauge', 'sum'] as const) {
    const data = metric[kind];
    if (data === undefined || data === null) continue;
    const dataWhere = `${where}.${kind}.dataPoints`;
    list(object(data, `${where}.${kind}`)['dataPoints'], dataWhere).forEach((raw, i) => {
      const pointWhere = `${dataWhere}[${i}]`;
      const point = object(raw, pointWhere);
      const value = pointValue(point, pointWhere);
      const time = timeMs(point['timeUnixNano'], `${pointWhere}.timeUnixNano`) ?? fallbackMs;
      if (value === undefined) return;
      const own = point['attributes'];
      const attributes = own === undefined || own === null || (Array.isArray(own) && own.length === 0)
        ? resource
        : attributesOf(own, `${pointWhere}.attributes`, { ...resource });
      out.push({ metric: name, timeMs: time, value, attributes });
    });
  }
}

/**
 * The gauge and sum points of the `wanted` metrics. Throws a DecodeError naming the field (e.g.
 * `resourceMetrics[0].scopeMetrics[0].metrics[1].sum.dataPoints[3].asInt`) for a payload it cannot read; metrics it
 * does not want are not looked into.
 */
export function metricPoints(request: unknown, wanted: ReadonlySet<string>, fallbackTimeMs: number): MetricPoint[] {
  const body = object(request, 'body');
  const out: MetricPoint[] = [];
  list(body['resourceMetrics'], 'resourceMetrics').forEach((rawRm, r) => {
    const rmWhere = `resourceMetrics[${r}]`;
    const rm = object(rawRm, rmWhere);
    let resource: Record<string, string> | undefined;
    list(rm['scopeMetrics'], `${rmWhere}.scopeMetrics`).forEach((rawSm, s) => {
      const smWhere = `${rmWhere}.scopeMetrics[${s}]`;
      list(object(rawSm, smWhere)['metrics'], `${smWhere}.metrics`).forEach((rawMetric, m) => {
        const metricWhere = `${smWhere}.metrics[${m}]`;
        const metric = object(rawMetric, metricWhere);
        const name = metric['name'];
        if (typeof name !== 'string') fail(`${metricWhere}.name`, 'must be a string');
        if (!wanted.has(name)) return;
        resource ??= attributesOf(rm['resource'] === undefined || rm['resource'] === null ? undefined : object(rm['resource'], `${rmWhere}.resource`)['attributes'], `${rmWhere}.resource.attributes`);
        pointsOfMetric(metric, name, metricWhere, resource, fallbackTimeMs, out);
      });
    });
  });
  return out;
}
