// OTLP/JSON scanner: checks the JSON grammar as the body streams in, counts its values against the budget, and notes where each metric and resource lies.
import { BudgetError } from './decode-budget.js';
import type { BudgetCounter } from './decode-budget.js';

/** Where one metric object lies in the body: [start, end) of the object and of its `name` string (quotes included). */
export interface MetricSpan {
  resource: number;
  scope: number;
  index: number;
  start: number;
  end: number;
  nameStart: number;
  nameEnd: number;
  /** The name holds a backslash escape: read it with JSON.parse. */
  nameEscaped: boolean;
}

/**
 * What the scan found. `spans`: the body is JSON in the ExportMetricsServiceRequest shape the spans describe (every
 * resourceMetrics, scopeMetrics and metric an object, each metric named by a string, no key the shape reads given twice
 * or escaped), so parsing the spans of the wanted metrics and their resources reads what parsing the whole body would.
 * `irregular`: JSON, in another shape (parse it whole: its values are counted). `invalid`: not JSON, from `at` on.
 */
export type JsonLayout =
  | { kind: 'spans'; metrics: MetricSpan[]; resourceStart: number[]; resourceEnd: number[] }
  | { kind: 'irregular' }
  | { kind: 'invalid'; at: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const PLUS = 0x2b;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const LOWER_U = 0x75;

// What the scanner expects next between tokens.
const E_VALUE = 0;
const E_VALUE_OR_CLOSE = 1;
const E_KEY_OR_CLOSE = 2;
const E_KEY = 3;
const E_COLON = 4;
const E_COMMA_OR_CLOSE = 5;
const E_END = 6;

// The token being read (it may go on in the next chunk).
const T_NONE = 0;
const T_STRING = 1;
const T_NUMBER = 2;
const T_LITERAL = 3;

// Number grammar: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?; the states where a number may end are flagged.
const N_MINUS = 0;
const N_ZERO = 1;
const N_INT = 2;
const N_DOT = 3;
const N_FRAC = 4;
const N_EXP = 5;
const N_EXP_SIGN = 6;
const N_EXP_DIGITS = 7;
const NUMBER_MAY_END = [false, true, true, false, true, false, false, true];

// Containers on the stack: plain ones, and the ones of the ExportMetricsServiceRequest shape.
const C_OBJECT = 0;
const C_ARRAY = 1;
const C_TOP = 2;
const C_RESOURCE_METRICS = 3;
const C_RM = 4;
const C_RESOURCE = 5;
const C_SCOPE_METRICS = 6;
const C_SM = 7;
const C_METRICS = 8;
const C_METRIC = 9;
const C_KIND = 10;
const C_DATA_POINTS = 11;
const IS_ARRAY = [false, true, false, true, false, false, true, false, true, false, false, true];

// What the next value is in the shape (S_OTHER: nothing the shape reads).
const S_OTHER = 0;
const S_TOP = 1;
const S_RESOURCE_METRICS = 2;
const S_RM = 3;
const S_RESOURCE = 4;
const S_SCOPE_METRICS = 5;
const S_SM = 6;
const S_METRICS = 7;
const S_METRIC = 8;
const S_NAME = 9;
const S_KIND = 10;
const S_DATA_POINTS = 11;
const S_DATA_POINT = 12;
/** Values that are not containers, as `enter` is told of them. */
const V_STRING = -1;
const V_SCALAR = -2;
/** Per slot: the value the shape has there (anything else makes the body irregular), and the container it opens (S_NAME for a name). */
const SLOT_NEEDS = [V_SCALAR, C_OBJECT, C_ARRAY, C_OBJECT, C_OBJECT, C_ARRAY, C_OBJECT, C_ARRAY, C_OBJECT, V_STRING, C_OBJECT, C_ARRAY, V_SCALAR];
const SLOT_BECOMES = [C_OBJECT, C_TOP, C_RESOURCE_METRICS, C_RM, C_RESOURCE, C_SCOPE_METRICS, C_SM, C_METRICS, C_METRIC, S_NAME, C_KIND, C_DATA_POINTS, C_OBJECT];
/** The slot of an array's elements, by the array's container. */
const ELEMENT_SLOT = [S_OTHER, S_OTHER, S_OTHER, S_RM, S_OTHER, S_OTHER, S_SM, S_OTHER, S_METRIC, S_OTHER, S_OTHER, S_DATA_POINT];

/** The keys the shape reads, by the object that holds them: the key's bytes and the slot of its value. */
const KEYS: ReadonlyArray<ReadonlyArray<readonly [Uint8Array, number]>> = (() => {
  const keys: Array<Array<readonly [Uint8Array, number]>> = IS_ARRAY.map(() => []);
  const add = (container: number, key: string, slot: number) => keys[container]!.push([Buffer.from(key, 'latin1'), slot]);
  add(C_TOP, 'resourceMetrics', S_RESOURCE_METRICS);
  add(C_RM, 'resource', S_RESOURCE);
  add(C_RM, 'scopeMetrics', S_SCOPE_METRICS);
  add(C_SM, 'metrics', S_METRICS);
  add(C_METRIC, 'name', S_NAME);
  for (const kind of ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary']) add(C_METRIC, kind, S_KIND);
  add(C_KIND, 'dataPoints', S_DATA_POINTS);
  return keys;
})();
/** The longest key the shape reads ('exponentialHistogram'); a longer key is none of them. */
const KEY_BUFFER = 20;

/** Bytes that may follow a backslash (u: four hex digits follow). */
const ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrtu') ESCAPE[c.charCodeAt(0)] = 1;
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;
const WHITESPACE = new Uint8Array(256);
for (const c of ' \t\n\r') WHITESPACE[c.charCodeAt(0)] = 1;

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

/**
 * A strict JSON scanner (what JSON.parse accepts, byte for byte: the body is decoded as UTF-8, so any byte may sit in a
 * string) fed chunk by chunk as the body inflates. It counts every value JSON.parse would build (objects, arrays,
 * strings with keys, numbers, literals) and throws BudgetError the chunk the values limit is passed, and it counts
 * resources and data points as countJsonShape does, checked when the body is complete.
 */
export class OtlpJsonScanner {
  private offset = 0;
  private values = 0;
  private invalidAt = -1;
  private regular = true;
  private expect = E_VALUE;
  private token = T_NONE;
  /** In a string: 0, or 1 after a backslash, or 2–5 while \u's four hex digits are read. */
  private escape = 0;
  private number = N_MINUS;
  private literal: Uint8Array = TRUE;
  private literalAt = 0;
  private stringIsKey = false;
  private stringIsName = false;
  private stringEscaped = false;
  /** The key being read belongs to an object of the shape (its bytes are matched at its end). */
  private keyTracked = false;
  private keyStart = 0;
  private readonly keyBuffer = new Uint8Array(KEY_BUFFER);
  private keyBuffered = 0;
  private stack = new Uint8Array(64);
  private depth = 0;
  /** Keys of the shape already seen, per open object of the shape (they sit at depths 1–9). */
  private readonly seen = new Uint8Array(16);
  private slot = S_TOP;
  private rm = -1;
  private sm = -1;
  private metric = -1;
  private metricStart = 0;
  private nameStart = -1;
  private nameEnd = -1;
  private nameEscaped = false;
  private readonly metrics: MetricSpan[] = [];
  private readonly resourceStart: number[] = [];
  private readonly resourceEnd: number[] = [];
  private resources = 0;
  private points = 0;
  /** The first of resources and points to pass its limit, in document order (countJsonShape's order). */
  private firstOver: 'resources' | 'points' | undefined;

  constructor(private readonly counter: BudgetCounter) {}

  /** The next chunk of the body. Throws BudgetError once the values passed the limit; stops looking at the first byte JSON.parse would refuse. */
  feed(chunk: Uint8Array): void {
    const n = chunk.length;
    const valuesBefore = this.values;
    let i = 0;
    while (i < n && this.invalidAt < 0) {
      const token = this.token;
      if (token === T_STRING) i = this.scanString(chunk, i);
      else if (token === T_NUMBER) i = this.scanNumber(chunk, i);
      else if (token === T_LITERAL) i = this.scanLiteral(chunk, i);
      else if (WHITESPACE[chunk[i]!] === 1) i++;
      else i = this.structural(chunk, i);
    }
    // A key of the shape that goes on in the next chunk: its bytes so far are held.
    if (this.token === T_STRING && this.stringIsKey && this.keyTracked && this.invalidAt < 0) this.bufferKey(chunk, this.keyStart, n);
    this.keyStart = 0;
    this.offset += n;
    if (this.values > valuesBefore) this.counter.add('values', this.values - valuesBefore);
  }

  /** The body is complete: its layout. Throws BudgetError when a JSON body in the shape holds too many resources or points. */
  finish(): JsonLayout {
    if (this.invalidAt < 0 && this.token === T_NUMBER && NUMBER_MAY_END[this.number]) this.valueDone();
    // Still inside a token, or a container left open: the text ended early.
    if (this.invalidAt < 0 && (this.token !== T_NONE || this.expect !== E_END)) this.invalidAt = this.offset;
    if (this.invalidAt >= 0) return { kind: 'invalid', at: this.invalidAt };
    if (!this.regular) return { kind: 'irregular' };
    if (this.firstOver) throw new BudgetError(this.firstOver, this.counter.limits[this.firstOver]);
    this.counter.add('resources', this.resources);
    this.counter.add('points', this.points);
    return { kind: 'spans', metrics: this.metrics, resourceStart: this.resourceStart, resourceEnd: this.resourceEnd };
  }

  /** One byte between tokens at chunk[i]: punctuation, or the first byte of a value or key. */
  private structural(chunk: Uint8Array, i: number): number {
    const c = chunk[i]!;
    const expect = this.expect;
    if (expect === E_VALUE || expect === E_VALUE_OR_CLOSE) {
      if (c === CLOSE_BRACKET && expect === E_VALUE_OR_CLOSE) return this.close(chunk, C_ARRAY, i);
      return this.beginValue(chunk, i, c);
    }
    if (expect === E_KEY || expect === E_KEY_OR_CLOSE) {
      if (c === QUOTE) return this.beginKey(i);
      if (c === CLOSE_BRACE && expect === E_KEY_OR_CLOSE) return this.close(chunk, C_OBJECT, i);
      return this.failAt(chunk, i);
    }
    if (expect === E_COLON) {
      if (c !== COLON) return this.failAt(chunk, i);
      this.expect = E_VALUE;
      return i + 1;
    }
    if (expect === E_COMMA_OR_CLOSE) {
      if (c === COMMA) {
        const container = this.stack[this.depth - 1]!;
        if (IS_ARRAY[container]) {
          this.expect = E_VALUE;
          this.slot = this.regular ? ELEMENT_SLOT[container]! : S_OTHER;
        } else this.expect = E_KEY;
        return i + 1;
      }
      if (c === CLOSE_BRACE) return this.close(chunk, C_OBJECT, i);
      if (c === CLOSE_BRACKET) return this.close(chunk, C_ARRAY, i);
    }
    return this.failAt(chunk, i);
  }

  /** Marks the body invalid at chunk[i] and ends the chunk's scan. */
  private failAt(chunk: Uint8Array, i: number): number {
    this.invalidAt = this.offset + i;
    return chunk.length;
  }

  private beginValue(chunk: Uint8Array, i: number, c: number): number {
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const array = c === OPEN_BRACKET;
      this.push(this.enter(array ? C_ARRAY : C_OBJECT, i));
      this.expect = array ? E_VALUE_OR_CLOSE : E_KEY_OR_CLOSE;
      if (array) this.slot = this.regular ? ELEMENT_SLOT[this.stack[this.depth - 1]!]! : S_OTHER;
      return i + 1;
    }
    if (c === QUOTE) {
      this.stringIsName = this.enter(V_STRING, i) === S_NAME;
      this.stringIsKey = false;
      this.stringEscaped = false;
      this.token = T_STRING;
      return i + 1;
    }
    if (c === MINUS || (c >= ZERO && c <= NINE)) {
      this.enter(V_SCALAR, i);
      this.token = T_NUMBER;
      this.number = c === MINUS ? N_MINUS : c === ZERO ? N_ZERO : N_INT;
      return i + 1;
    }
    const literal = c === 0x74 ? TRUE : c === 0x66 ? FALSE : c === 0x6e ? NULL : undefined;
    if (!literal) return this.failAt(chunk, i);
    this.enter(V_SCALAR, i);
    this.token = T_LITERAL;
    this.literal = literal;
    this.literalAt = 1;
    return i + 1;
  }

  /**
   * A value begins at chunk[i]: counted, and placed in the shape. `kind` is C_OBJECT or C_ARRAY for a container (the
   * container to push is returned), V_STRING for a string (S_NAME is returned for a metric's name), V_SCALAR otherwise.
   */
  private enter(kind: number, i: number): number {
    this.values++;
    const slot = this.slot;
    this.slot = S_OTHER;
    if (slot === S_OTHER) return kind;
    if (slot === S_DATA_POINT) {
      this.countPoint();
      return kind;
    }
    if (slot === S_RM) this.countResource();
    if (kind !== SLOT_NEEDS[slot]) {
      this.regular = false;
      return kind;
    }
    this.note(slot, this.offset + i);
    return SLOT_BECOMES[slot]!;
  }

  /** Where the shape's entries begin, at byte `at` of the body. */
  private note(slot: number, at: number): void {
    if (slot === S_RM) {
      this.rm++;
      this.sm = -1;
      this.resourceStart.push(-1);
      this.resourceEnd.push(-1);
    } else if (slot === S_RESOURCE) this.resourceStart[this.rm] = at;
    else if (slot === S_SM) {
      this.sm++;
      this.metric = -1;
    } else if (slot === S_METRIC) {
      this.metric++;
      this.metricStart = at;
      this.nameStart = -1;
    } else if (slot === S_NAME) this.nameStart = at;
  }

  private countResource(): void {
    if (++this.resources > this.counter.limits.resources) this.firstOver ??= 'resources';
  }

  private countPoint(): void {
    if (++this.points > this.counter.limits.points) this.firstOver ??= 'points';
  }

  private push(container: number): void {
    if (this.depth === this.stack.length) {
      const grown = new Uint8Array(this.stack.length * 2);
      grown.set(this.stack);
      this.stack = grown;
    }
    if (container >= C_TOP && this.depth < this.seen.length) this.seen[this.depth] = 0;
    this.stack[this.depth++] = container;
  }

  /** A `}` (C_OBJECT) or `]` (C_ARRAY) at chunk[i]. */
  private close(chunk: Uint8Array, closer: number, i: number): number {
    const container = this.stack[this.depth - 1]!;
    if (IS_ARRAY[container] !== (closer === C_ARRAY)) return this.failAt(chunk, i);
    this.depth--;
    if (container === C_METRIC) {
      if (this.nameStart < 0) this.regular = false;
      else {
        this.metrics.push({
          resource: this.rm,
          scope: this.sm,
          index: this.metric,
          start: this.metricStart,
          end: this.offset + i + 1,
          nameStart: this.nameStart,
          nameEnd: this.nameEnd,
          nameEscaped: this.nameEscaped,
        });
      }
    } else if (container === C_RESOURCE) this.resourceEnd[this.rm] = this.offset + i + 1;
    this.valueDone();
    return i + 1;
  }

  private valueDone(): void {
    this.token = T_NONE;
    this.expect = this.depth === 0 ? E_END : E_COMMA_OR_CLOSE;
  }

  private beginKey(i: number): number {
    this.values++;
    this.token = T_STRING;
    this.stringIsKey = true;
    this.stringIsName = false;
    this.stringEscaped = false;
    this.keyTracked = this.regular && this.stack[this.depth - 1]! >= C_TOP && KEYS[this.stack[this.depth - 1]!]!.length > 0;
    this.keyStart = i + 1;
    this.keyBuffered = 0;
    return i + 1;
  }

  /** Inside a string from chunk[i]: the index after its closing quote, or the chunk's length (it goes on). */
  private scanString(chunk: Uint8Array, i: number): number {
    const n = chunk.length;
    let escape = this.escape;
    while (i < n) {
      if (escape === 0) {
        // The plain run: most of a body's bytes.
        let c = chunk[i]!;
        while (c !== QUOTE && c !== BACKSLASH && c >= 0x20 && ++i < n) c = chunk[i]!;
        if (i === n) break;
        if (c === QUOTE) {
          this.escape = 0;
          this.endString(chunk, i);
          return i + 1;
        }
        if (c === BACKSLASH) {
          escape = 1;
          this.stringEscaped = true;
        } else return this.failAt(chunk, i);
      } else if (escape === 1) {
        const c = chunk[i]!;
        if (ESCAPE[c] !== 1) return this.failAt(chunk, i);
        escape = c === LOWER_U ? 2 : 0;
      } else {
        if (HEX[chunk[i]!] !== 1) return this.failAt(chunk, i);
        escape = escape === 5 ? 0 : escape + 1;
      }
      i++;
    }
    this.escape = escape;
    return n;
  }

  /** Holds the part of a tracked key that ends a chunk (a key longer than any the shape reads is untracked). */
  private bufferKey(chunk: Uint8Array, from: number, to: number): void {
    if (this.keyBuffered + to - from > KEY_BUFFER) {
      this.keyTracked = false;
      return;
    }
    this.keyBuffer.set(chunk.subarray(from, to), this.keyBuffered);
    this.keyBuffered += to - from;
  }

  /** The closing quote of a string at chunk[i]. */
  private endString(chunk: Uint8Array, i: number): void {
    this.token = T_NONE;
    if (!this.stringIsKey) {
      if (this.stringIsName) {
        this.nameEnd = this.offset + i + 1;
        this.nameEscaped = this.stringEscaped;
      }
      this.valueDone();
      return;
    }
    this.expect = E_COLON;
    this.slot = S_OTHER;
    if (!this.keyTracked) return;
    if (this.stringEscaped) {
      // An escaped key might spell one the shape reads (`na\u006de`): parse such a body whole.
      this.regular = false;
      return;
    }
    let key: Uint8Array = chunk;
    let start = this.keyStart;
    let end = i;
    if (this.keyBuffered > 0) {
      this.bufferKey(chunk, 0, i);
      if (!this.keyTracked) return;
      key = this.keyBuffer;
      start = 0;
      end = this.keyBuffered;
    }
    this.matchKey(key, start, end);
  }

  /** A key of an object of the shape: the slot of its value, or a duplicate (the body is parsed whole: the last one wins there). */
  private matchKey(key: Uint8Array, start: number, end: number): void {
    const container = this.stack[this.depth - 1]!;
    const keys = KEYS[container]!;
    for (let k = 0; k < keys.length; k++) {
      const [bytes, slot] = keys[k]!;
      if (!sameBytes(bytes, key, start, end)) continue;
      const bit = 1 << k;
      const seen = this.seen[this.depth - 1]!;
      if ((seen & bit) !== 0) this.regular = false;
      this.seen[this.depth - 1] = seen | bit;
      this.slot = this.regular ? slot : S_OTHER;
      return;
    }
  }

  private scanNumber(chunk: Uint8Array, i: number): number {
    const n = chunk.length;
    let state = this.number;
    while (i < n) {
      const c = chunk[i]!;
      const digit = c >= ZERO && c <= NINE;
      if (state === N_INT || state === N_FRAC || state === N_EXP_DIGITS) {
        if (digit) {
          i++;
          continue;
        }
        if (state !== N_EXP_DIGITS && (c === LOWER_E || c === UPPER_E)) state = N_EXP;
        else if (state === N_INT && c === DOT) state = N_DOT;
        else return this.endNumber(i);
      } else if (state === N_ZERO) {
        if (c === DOT) state = N_DOT;
        else if (c === LOWER_E || c === UPPER_E) state = N_EXP;
        else return this.endNumber(i);
      } else if (state === N_MINUS) {
        if (!digit) return this.failAt(chunk, i);
        state = c === ZERO ? N_ZERO : N_INT;
      } else if (state === N_DOT) {
        if (!digit) return this.failAt(chunk, i);
        state = N_FRAC;
      } else if (state === N_EXP) {
        if (c === PLUS || c === MINUS) state = N_EXP_SIGN;
        else if (digit) state = N_EXP_DIGITS;
        else return this.failAt(chunk, i);
      } else {
        if (!digit) return this.failAt(chunk, i);
        state = N_EXP_DIGITS;
      }
      i++;
    }
    this.number = state;
    return n;
  }

  /** The number ended before chunk[i] (which is read again as punctuation). */
  private endNumber(i: number): number {
    this.valueDone();
    return i;
  }

  private scanLiteral(chunk: Uint8Array, i: number): number {
    const literal = this.literal;
    while (i < chunk.length) {
      if (chunk[i] !== literal[this.literalAt]) return this.failAt(chunk, i);
      i++;
      if (++this.literalAt === literal.length) {
        this.valueDone();
        return i;
      }
    }
    return i;
  }
}

function sameBytes(expected: Uint8Array, key: Uint8Array, start: number, end: number): boolean {
  if (end - start !== expected.length) return false;
  for (let j = 0; j < expected.length; j++) if (key[start + j] !== expected[j]) return false;
  return true;
}

/** The values budget is checked after each piece fed: a whole body is fed in pieces of this size, as a stream would be. */
const PIECE = 64 * 1024;

/** A whole body scanned (a body read some other way than streamed through the receiver). */
export function scanOtlpJson(body: Uint8Array, counter: BudgetCounter): JsonLayout {
  const scanner = new OtlpJsonScanner(counter);
  for (let at = 0; at < body.length; at += PIECE) scanner.feed(body.subarray(at, at + PIECE));
  return scanner.finish();
}
