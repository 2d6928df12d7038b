// OTLP protobuf → metric points straight off the wire: the metrics the rules read are decoded, every other one skipped whole.
import { Buffer } from 'node:buffer';
import { DecodeError } from '../request/decode-error.js';
import { anyValueText, attributeMap, longMs, longNumber, longText } from '../signals/metric-points.js';
import type { MetricPoint } from '../signals/metric-points.js';
import type { LongBits } from '../signals/otlp-metrics.js';
import type { BudgetCounter } from './decode-budget.js';
import { decodeAnyValue } from './otlp-protobuf.js';
import { checkAnyValueBudget } from './protobuf-budget.js';

// Field numbers of opentelemetry/proto (collector/metrics/v1, metrics/v1, resource/v1, common/v1).
const REQUEST_RESOURCE_METRICS = 1;
const RM_RESOURCE = 1;
const RM_SCOPE_METRICS = 2;
const RESOURCE_ATTRIBUTES = 1;
const SM_METRICS = 2;
const METRIC_NAME = 1;
const METRIC_GAUGE = 5;
const METRIC_SUM = 7;
const DATA_POINTS = 1;
const POINT_TIME = 3;
const POINT_AS_DOUBLE = 4;
const POINT_AS_INT = 6;
const POINT_ATTRIBUTES = 7;
const POINT_FLAGS = 8;
const KV_KEY = 1;
const KV_VALUE = 2;
const ANY_STRING = 1;
const ANY_BOOL = 2;
const ANY_INT = 3;
const ANY_DOUBLE = 4;

const VARINT = 0;
const FIXED64 = 1;
const BYTES = 2;
const FIXED32 = 5;
const NO_RECORDED_VALUE = 1;

function malformed(detail: string): never {
  throw new DecodeError('OTLP_PROTOBUF', 'body', `not an ExportMetricsServiceRequest: ${detail}`);
}

/** A cursor over one message's bytes [pos, end) of the body. */
class Cursor {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly end: number,
  ) {}

  more(): boolean {
    return this.pos < this.end;
  }

  /** A varint up to 2^53 (tags, lengths, flags, bools). */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) malformed('truncated varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    return malformed('varint longer than 10 bytes');
  }

  /** A 64-bit varint as two's-complement halves (int64). */
  longVarint(): LongBits {
    let low = 0;
    let high = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) malformed('truncated varint');
      const b = this.buf[this.pos++]!;
      if (i < 4) low |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        low |= (b & 0x0f) << 28;
        high |= (b & 0x7f) >> 4;
      } else high |= (b & 0x7f) << (7 * i - 32);
      if (b < 0x80) return { low: low >>> 0, high: high | 0, unsigned: false };
    }
    return malformed('varint longer than 10 bytes');
  }

  /** The end of a length-delimited field whose length comes next; the cursor stays at its start. */
  lengthEnd(): number {
    const length = this.varint();
    if (length > this.end - this.pos) malformed('field runs past its message');
    return this.pos + length;
  }

  /** A fixed64 (unsigned) or sfixed64 (signed) as its two halves. */
  fixed64(unsigned: boolean): LongBits {
    if (this.end - this.pos < 8) malformed('field runs past its message');
    const low = this.buf.readUInt32LE(this.pos);
    const high = this.buf.readInt32LE(this.pos + 4);
    this.pos += 8;
    return { low, high, unsigned };
  }

  double(): number {
    if (this.end - this.pos < 8) malformed('field runs past its message');
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  string(end: number): string {
    const text = this.buf.toString('utf8', this.pos, end);
    this.pos = end;
    return text;
  }

  skip(wire: number): void {
    if (wire === VARINT) this.varint();
    else if (wire === FIXED64) this.advance(8);
    else if (wire === BYTES) this.pos = this.lengthEnd();
    else if (wire === FIXED32) this.advance(4);
    else malformed(`wire type ${wire} is not used by OTLP`);
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) malformed('field runs past its message');
    this.pos += n;
  }
}

/** Reads a field of the expected wire type; another type for a known field is malformed, as the decoder would misread it. */
function expectWire(field: number, wire: number, expected: number): void {
  if (wire !== expected) malformed(`field ${field} has wire type ${wire}, not ${expected}`);
}

/** Everything one body's walk needs; resource attributes are read once, on the first wanted metric of their ResourceMetrics. */
interface Walk {
  buf: Buffer;
  wanted: ReadonlySet<string>;
  fallbackMs: number;
  counter: BudgetCounter;
  out: MetricPoint[];
}

/** A KeyValue into `into`: AnyValues of scalars read here, arrays, kvlists and bytes through the generated decoder. */
function readKeyValue(walk: Walk, c: Cursor, into: Record<string, string>): void {
  let key = '';
  let valueStart = -1;
  let valueEnd = -1;
  while (c.more()) {
    const tag = c.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === KV_KEY) {
      expectWire(field, wire, BYTES);
      key = c.string(c.lengthEnd());
    } else if (field === KV_VALUE) {
      expectWire(field, wire, BYTES);
      valueEnd = c.lengthEnd();
      valueStart = c.pos;
      c.pos = valueEnd;
    } else c.skip(wire);
  }
  walk.counter.add('values', 2);
  if (valueStart < 0) return;
  const text = anyValueOf(walk, new Cursor(walk.buf, valueStart, valueEnd));
  if (text !== undefined) into[key] = text;
}

/** An AnyValue as metricPoints shows it: string, then int, double, bool, then the JSON text of a nested value. */
function anyValueOf(walk: Walk, c: Cursor): string | undefined {
  const start = c.pos;
  let text: string | undefined;
  let int: string | undefined;
  let double: number | undefined;
  let bool: boolean | undefined;
  let nested = false;
  while (c.more()) {
    const tag = c.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === ANY_STRING) {
      expectWire(field, wire, BYTES);
      text = c.string(c.lengthEnd());
    } else if (field === ANY_BOOL) {
      expectWire(field, wire, VARINT);
      bool = c.varint() !== 0;
    } else if (field === ANY_INT) {
      expectWire(field, wire, VARINT);
      int = longText(c.longVarint());
    } else if (field === ANY_DOUBLE) {
      expectWire(field, wire, FIXED64);
      double = c.double();
    } else {
      nested ||= field >= 5 && field <= 7;
      c.skip(wire);
    }
  }
  if (text !== undefined) return text;
  if (int !== undefined) return int;
  if (double !== undefined) return String(double);
  if (bool !== undefined) return String(bool);
  if (!nested) return undefined;
  return nestedValueText(walk, walk.buf.subarray(start, c.end));
}

/** An array, kvlist or bytes value: walked for its budget and depth, then decoded and shown as the decoded message's JSON. */
function nestedValueText(walk: Walk, bytes: Buffer): string | undefined {
  checkAnyValueBudget(bytes, walk.counter);
  let decoded: object;
  try {
    decoded = decodeAnyValue(bytes);
  } catch (error) {
    return malformed((error as Error).message);
  }
  return anyValueText(decoded);
}

function readAttributes(walk: Walk, c: Cursor, field: number, into: Record<string, string>): Record<string, string> {
  eachEntry(walk, c, field, (kv) => readKeyValue(walk, kv, into));
  return into;
}

/** One NumberDataPoint; none when it records no value (flag set, no value, NaN). */
function readPoint(walk: Walk, c: Cursor, name: string, resource: Readonly<Record<string, string>>): void {
  walk.counter.add('points');
  let time = 0;
  let asDouble: number | undefined;
  let asInt: number | undefined;
  let flags = 0;
  const attributes: Array<[number, number]> = [];
  while (c.more()) {
    const tag = c.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === POINT_TIME) {
      expectWire(field, wire, FIXED64);
      time = longMs(c.fixed64(true));
    } else if (field === POINT_AS_DOUBLE) {
      expectWire(field, wire, FIXED64);
      asDouble = c.double();
    } else if (field === POINT_AS_INT) {
      expectWire(field, wire, FIXED64);
      asInt = longNumber(c.fixed64(false));
    } else if (field === POINT_FLAGS) {
      expectWire(field, wire, VARINT);
      flags = c.varint();
    } else if (field === POINT_ATTRIBUTES) {
      expectWire(field, wire, BYTES);
      const end = c.lengthEnd();
      attributes.push([c.pos, end]);
      c.pos = end;
    } else c.skip(wire);
  }
  walk.counter.add('values');
  if ((flags & NO_RECORDED_VALUE) !== 0) return;
  const value = asDouble ?? asInt;
  if (value === undefined || Number.isNaN(value)) return;
  let dimensions = resource;
  if (attributes.length > 0) {
    const own = attributeMap(resource);
    for (const [start, end] of attributes) readKeyValue(walk, new Cursor(walk.buf, start, end), own);
    dimensions = own;
  }
  walk.out.push({ metric: name, timeMs: time > 0 ? time : walk.fallbackMs, value, attributes: dimensions });
}

/** A Gauge or Sum: its data points. */
function readData(walk: Walk, c: Cursor, name: string, resource: Readonly<Record<string, string>>): void {
  eachEntry(walk, c, DATA_POINTS, (point) => readPoint(walk, point, name, resource));
}

/** One Metric: its name first (wherever it sits), then, only if the rules read it, its gauge and sum points. */
function readMetric(walk: Walk, c: Cursor, resource: () => Readonly<Record<string, string>>): void {
  walk.counter.add('values');
  let name = '';
  let gauge: [number, number] | undefined;
  let sum: [number, number] | undefined;
  while (c.more()) {
    const tag = c.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === METRIC_NAME) {
      expectWire(field, wire, BYTES);
      name = c.string(c.lengthEnd());
    } else if (field === METRIC_GAUGE || field === METRIC_SUM) {
      expectWire(field, wire, BYTES);
      const end = c.lengthEnd();
      if (field === METRIC_GAUGE) gauge = [c.pos, end];
      else sum = [c.pos, end];
      c.pos = end;
    } else c.skip(wire);
  }
  if (!walk.wanted.has(name)) return;
  for (const data of [gauge, sum]) if (data) readData(walk, new Cursor(walk.buf, data[0], data[1]), name, resource());
}

/** The length-delimited `field` entries of a message, each handed to `read` as its own cursor. */
function eachEntry(walk: Walk, c: Cursor, field: number, read: (entry: Cursor) => void): void {
  while (c.more()) {
    const tag = c.varint();
    if (Math.floor(tag / 8) !== field) {
      c.skip(tag % 8);
      continue;
    }
    expectWire(field, tag % 8, BYTES);
    const end = c.lengthEnd();
    read(new Cursor(walk.buf, c.pos, end));
    c.pos = end;
  }
}

function readResourceMetrics(walk: Walk, c: Cursor): void {
  walk.counter.add('resources');
  let resourceRange: [number, number] | undefined;
  const scopes: Array<[number, number]> = [];
  while (c.more()) {
    const tag = c.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field !== RM_RESOURCE && field !== RM_SCOPE_METRICS) {
      c.skip(wire);
      continue;
    }
    expectWire(field, wire, BYTES);
    const end = c.lengthEnd();
    if (field === RM_RESOURCE) resourceRange = [c.pos, end];
    else scopes.push([c.pos, end]);
    c.pos = end;
  }
  let attributes: Record<string, string> | undefined;
  const resource = () =>
    (attributes ??= resourceRange ? readAttributes(walk, new Cursor(walk.buf, resourceRange[0], resourceRange[1]), RESOURCE_ATTRIBUTES, attributeMap()) : attributeMap());
  for (const [start, end] of scopes) eachEntry(walk, new Cursor(walk.buf, start, end), SM_METRICS, (metric) => readMetric(walk, metric, resource));
}

/**
 * The gauge and sum points of the `wanted` metrics of an ExportMetricsServiceRequest, the same as decoding it with the
 * generated classes and reading it with metricPoints, without building the rest: a metric the rules do not read costs
 * its name and a skip. The budget counts what is built (resources, wanted points, their values); a body that is not
 * well-formed protobuf where it is read is a DecodeError naming the body.
 */
export function protobufMetricPoints(body: Uint8Array, wanted: ReadonlySet<string>, fallbackMs: number, counter: BudgetCounter): MetricPoint[] {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const walk: Walk = { buf, wanted, fallbackMs, counter, out: [] };
  eachEntry(walk, new Cursor(buf, 0, buf.length), REQUEST_RESOURCE_METRICS, (rm) => readResourceMetrics(walk, rm));
  return walk.out;
}
