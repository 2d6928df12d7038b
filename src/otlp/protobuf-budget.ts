// OTLP protobuf budget: walks a nested attribute value's wire format and counts what decoding it would build.
import { DecodeError } from '../request/decode-error.js';
import type { BudgetCounter } from './decode-budget.js';

/** Message name → field number → the message that field holds (fields not listed are scalars, strings or packed arrays). */
const SCHEMA: Record<string, Record<number, string>> = {
  keyValue: { 2: 'anyValue' },
  anyValue: { 5: 'arrayValue', 6: 'keyValueList' },
  arrayValue: { 1: 'anyValue' },
  keyValueList: { 1: 'keyValue' },
};

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

/** One field's cost: a nested message is walked, anything else is counted (a string or bytes value per 8 bytes). */
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
    else counter.add('values', Math.floor(length / 8));
  } else malformed(`wire type ${wire} is not used by OTLP`);
}

function walkMessage(reader: WireReader, message: string, counter: BudgetCounter, depth: number): void {
  if (depth > MAX_DEPTH) malformed(`nested more than ${MAX_DEPTH} levels deep`);
  while (reader.pos < reader.end) {
    const tag = reader.varint();
    walkField(reader, message, Math.floor(tag / 8), tag % 8, counter, depth);
  }
}

/**
 * Walks one AnyValue (an array, kvlist or bytes attribute value about to be decoded by the generated class): a BudgetError
 * as soon as it would decode into more than the counter allows, a DecodeError when it is malformed or nested too deep.
 */
export function checkAnyValueBudget(body: Uint8Array, counter: BudgetCounter): void {
  walkMessage(new WireReader(body, 0, body.length), 'anyValue', counter, 0);
}
