// OTLP protobuf budget: walks an ExportMetricsServiceRequest's wire format and counts what decoding it would build.
import { DecodeError } from '../request/decode-error.js';
import type { BudgetCounter } from './decode-budget.js';

/** Message name → field number → the message that field holds (fields not listed are scalars, strings or packed arrays). */
const SCHEMA: Record<string, Record<number, string>> = {
  request: { 1: 'resourceMetrics' },
  resourceMetrics: { 1: 'resource', 2: 'scopeMetrics' },
  resource: { 1: 'keyValue' },
  scopeMetrics: { 1: 'scope', 2: 'metric' },
  scope: { 3: 'keyValue' },
  metric: { 5: 'numberData', 7: 'numberData', 9: 'histogram', 10: 'expHistogram', 11: 'summary', 12: 'keyValue' },
  numberData: { 1: 'numberPoint' },
  histogram: { 1: 'histogramPoint' },
  expHistogram: { 1: 'expHistogramPoint' },
  summary: { 1: 'summaryPoint' },
  numberPoint: { 5: 'exemplar', 7: 'keyValue' },
  histogramPoint: { 8: 'exemplar', 9: 'keyValue' },
  expHistogramPoint: { 1: 'keyValue', 8: 'buckets', 9: 'buckets', 11: 'exemplar' },
  summaryPoint: { 6: 'quantile', 7: 'keyValue' },
  buckets: {},
  quantile: {},
  exemplar: { 7: 'keyValue' },
  keyValue: { 2: 'anyValue' },
  anyValue: { 5: 'arrayValue', 6: 'keyValueList' },
  arrayValue: { 1: 'anyValue' },
  keyValueList: { 1: 'keyValue' },
};

const POINTS = new Set(['numberPoint', 'histogramPoint', 'expHistogramPoint', 'summaryPoint']);
/** Packed repeated varints: every byte may be one decoded number (a Long for uint64). */
const PACKED_VARINTS: Record<string, number> = { buckets: 2 };
const MAX_DEPTH = 32;

function malformed(detail: string): never {
  throw new DecodeError('OTLP_PROTOBUF', 'body', `not an ExportMetricsServiceRequest: ${detail}`);
}

class WireReader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) malformed('truncated varint');
      const b = this.bytes[this.pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    return malformed('varint longer than 10 bytes');
  }

  skip(n: number): void {
    if (n > this.end - this.pos) malformed('field runs past its message');
    this.pos += n;
  }
}

/** One field's cost: a nested message is walked, anything else is counted (a length-delimited leaf per 8 bytes). */
function walkField(reader: WireReader, message: string, field: number, wire: number, counter: BudgetCounter, depth: number): void {
  counter.add('values');
  if (wire === 0) reader.varint();
  else if (wire === 1) reader.skip(8);
  else if (wire === 5) reader.skip(4);
  else if (wire === 2) {
    const length = reader.varint();
    const start = reader.pos;
    reader.skip(length);
    const child = SCHEMA[message]![field];
    if (child !== undefined) walkMessage(new WireReader(reader.bytes, start, start + length), child, counter, depth + 1);
    else counter.add('values', PACKED_VARINTS[message] === field ? length : Math.floor(length / 8));
  } else malformed(`wire type ${wire} is not used by OTLP`);
}

function walkMessage(reader: WireReader, message: string, counter: BudgetCounter, depth: number): void {
  if (depth > MAX_DEPTH) malformed(`nested more than ${MAX_DEPTH} levels deep`);
  if (message === 'resourceMetrics') counter.add('resources');
  if (POINTS.has(message)) counter.add('points');
  while (reader.pos < reader.end) {
    const tag = reader.varint();
    walkField(reader, message, Math.floor(tag / 8), tag % 8, counter, depth);
  }
}

/** Throws a BudgetError as soon as the body would decode into more than the counter allows; a DecodeError when it is malformed. */
export function checkProtobufBudget(body: Uint8Array, counter: BudgetCounter): void {
  walkMessage(new WireReader(body, 0, body.length), 'request', counter, 0);
}
