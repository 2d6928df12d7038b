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
const CODE = 'OTLP_INVALID';

/**
 * Fails at a path relative to the value being read (`''`, `.asInt`, `[3].key`); each enclosing reader that catches it
 * puts its own part in front (see `within`), so the full path is only built for the one value that is wrong.
 */
function fail(where: string, detail: string): never {
  throw new DecodeError(CODE, where, detail);
}

/** Rethrows a failure of the value at `prefix` with the prefix in front of its path. */
function within(prefix: string, error: unknown): never {
  if (error instanceof DecodeError && error.code === CODE) throw new DecodeError(CODE, prefix + error.where, error.detail);
  throw error;
}

function object(value: unknown, where: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'must be an object');
  return value as Obj;
}

/** A repeated field: absent or null is empty. */
function list(value: unknown, where: string): readonly unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(where, 'must be an array');
  return value;
}

/** Absent: undefined in JSON, null for an unset field of a decoded protobuf message. */
const absent = (value: unknown): value is undefined | null => value === undefined || value === null;

/** An AnyValue as the string SPL would show for the dimension; undefined for an empty value. Paths relative to the value. */
export function anyValueText(value: unknown): string | undefined {
  if (absent(value)) return undefined;
  const v = object(value, '') as OtlpAnyValue;
  if (!absent(v.stringValue)) {
    if (typeof v.stringValue !== 'string') fail('.stringValue', 'must be a string');
    return v.stringValue;
  }
  if (!absent(v.intValue)) return intText(v.intValue, '.intValue');
  if (!absent(v.doubleValue)) return String(double(v.doubleValue, '.doubleValue'));
  if (!absent(v.boolValue)) {
    if (typeof v.boolValue !== 'boolean') fail('.boolValue', 'must be a boolean');
    return String(v.boolValue);
  }
  if (!absent(v.arrayValue) || !absent(v.kvlistValue) || !absent(v.bytesValue)) {
    // Shown as its JSON text; JSON.stringify recurses, so a hostile nesting is refused first.
    if (tooDeepPath(value)) fail('', `is nested more than ${MAX_JSON_DEPTH} levels deep`);
    return JSON.stringify(value);
  }
  return undefined;
}

function isLong(value: unknown): value is LongBits {
  return typeof value === 'object' && value !== null && typeof (value as LongBits).low === 'number' && typeof (value as LongBits).high === 'number';
}

/** A Long's value as a number (exact up to 2^53, like a decimal string read with Number()). */
export function longNumber(v: LongBits): number {
  return (v.unsigned ? v.high >>> 0 : v.high) * TWO_POW_32 + (v.low >>> 0);
}

/** A Long's exact decimal text (a pid, or any int attribute). */
export function longText(v: LongBits): string {
  const n = longNumber(v);
  if (Number.isSafeInteger(n)) return String(n);
  const bits = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return String(v.unsigned ? bits : BigInt.asIntN(64, bits));
}

/** Unsigned nanoseconds in a Long → whole milliseconds, exactly, in doubles: 2^32 = 4294 × 10^6 + 967296. */
export function longMs(v: LongBits): number {
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

/**
 * A dimension map: no prototype, so a `__proto__` key is an attribute like any other, and V8 keeps it as a dictionary
 * (adding dotted keys one by one to an ordinary object cost 3 µs per point in hidden-class transitions). Copied key by
 * key: Object.assign between two dictionaries cost twice as much.
 */
export function attributeMap(from?: Readonly<Record<string, string>>): Record<string, string> {
  const map = Object.create(null) as Record<string, string>;
  for (const key in from) map[key] = from[key]!;
  return map;
}

/** KeyValues into `into` (later keys win); a failure names its path after `where`. */
export function attributesOf(value: unknown, where: string, into: Record<string, string> = attributeMap()): Record<string, string> {
  const items = list(value, where);
  for (let i = 0; i < items.length; i++) {
    try {
      const kv = object(items[i], '') as Partial<OtlpKeyValue>;
      if (typeof kv.key !== 'string') fail('.key', 'must be a string');
      let text: string | undefined;
      try {
        text = anyValueText(kv.value);
      } catch (error) {
        within('.value', error);
      }
      if (text !== undefined) into[kv.key] = text;
    } catch (error) {
      within(`${where}[${i}]`, error);
    }
  }
  return into;
}

function pointValue(point: Obj): number | undefined {
  if (typeof point['flags'] === 'number' && (point['flags'] & NO_RECORDED_VALUE) !== 0) return undefined;
  let value: number | undefined;
  if (!absent(point['asDouble'])) value = double(point['asDouble'], '.asDouble');
  else if (!absent(point['asInt'])) value = int64(point['asInt'], '.asInt');
  return value === undefined || Number.isNaN(value) ? undefined : value;
}

/** One data point (paths relative to it), or undefined when it records no value. */
function pointOf(raw: unknown, name: string, resource: Readonly<Record<string, string>>, fallbackMs: number): MetricPoint | undefined {
  const point = object(raw, '');
  const value = pointValue(point);
  const time = timeMs(point['timeUnixNano'], '.timeUnixNano') ?? fallbackMs;
  if (value === undefined) return undefined;
  const own = point['attributes'];
  const attributes = absent(own) || (Array.isArray(own) && own.length === 0) ? resource : attributesOf(own, '.attributes', attributeMap(resource));
  return { metric: name, timeMs: time, value, attributes };
}

function pointsOfMetric(metric: Obj, name: string, resource: Readonly<Record<string, string>>, fallbackMs: number, out: MetricPoint[]): void {
  for (const kind of ['gauge', 'sum'] as const) {
    const data = metric[kind];
    if (absent(data)) continue;
    const dataWhere = `.${kind}.dataPoints`;
    const points = list(object(data, `.${kind}`)['dataPoints'], dataWhere);
    for (let i = 0; i < points.length; i++) {
      try {
        const point = pointOf(points[i], name, resource, fallbackMs);
        if (point !== undefined) out.push(point);
      } catch (error) {
        within(`${dataWhere}[${i}]`, error);
      }
    }
  }
}

/** The attributes of a ResourceMetrics' `resource` (paths relative to the ResourceMetrics). */
function resourceOf(resource: unknown): Record<string, string> {
  return attributesOf(absent(resource) ? undefined : object(resource, '.resource')['attributes'], '.resource.attributes');
}

/** The attributes of `resourceMetrics[r].resource` read on its own (the OTLP/JSON scanner's path); failures named under `where`. */
export function resourceAttributes(resource: unknown, where: string): Record<string, string> {
  try {
    return resourceOf(resource);
  } catch (error) {
    return within(where, error);
  }
}

/** The points of one wanted metric, failures named under `where` (its path in the request). */
export function pointsOfWantedMetric(metric: unknown, name: string, resource: Readonly<Record<string, string>>, fallbackMs: number, out: MetricPoint[], where: string): void {
  try {
    pointsOfMetric(object(metric, ''), name, resource, fallbackMs, out);
  } catch (error) {
    within(where, error);
  }
}

function pointsOfResource(rm: Obj, wanted: ReadonlySet<string>, fallbackTimeMs: number, out: MetricPoint[]): void {
  let resource: Record<string, string> | undefined;
  const scopes = list(rm['scopeMetrics'], '.scopeMetrics');
  for (let s = 0; s < scopes.length; s++) {
    const smWhere = `.scopeMetrics[${s}]`;
    const metrics = list(object(scopes[s], smWhere)['metrics'], `${smWhere}.metrics`);
    for (let m = 0; m < metrics.length; m++) {
      const metricWhere = `${smWhere}.metrics[${m}]`;
      const metric = object(metrics[m], metricWhere);
      const name = metric['name'];
      if (typeof name !== 'string') fail(`${metricWhere}.name`, 'must be a string');
      if (!wanted.has(name)) continue;
      resource ??= resourceOf(rm['resource']);
      pointsOfWantedMetric(metric, name, resource, fallbackTimeMs, out, metricWhere);
    }
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
  const resources = list(body['resourceMetrics'], 'resourceMetrics');
  for (let r = 0; r < resources.length; r++) {
    try {
      pointsOfResource(object(resources[r], ''), wanted, fallbackTimeMs, out);
    } catch (error) {
      within(`resourceMetrics[${r}]`, error);
    }
  }
  return out;
}
