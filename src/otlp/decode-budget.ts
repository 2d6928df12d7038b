// OTLP decoding budget: counts what a body would become (values, resources, data points) before anything is built from it.
import { RiskgateError } from '../riskgate-error.js';

/** What one OTLP body may hold; a body over any of them is refused before it is parsed. */
export interface DecodeLimits {
  /** Bytes after Content-Encoding is undone. */
  inflatedBytes: number;
  /**
   * Values decoding creates: for JSON every object, array, string and number JSON.parse builds; for protobuf, read off
   * the wire, what is built (each metric, the points and attributes of the metrics the rules read, nested attribute
   * values with a packed array per 8 bytes).
   */
  values: number;
  /** ResourceMetrics entries. */
  resources: number;
  /** Data points: of any kind for JSON (all are parsed); for protobuf, those of the metrics the rules read (the rest is skipped unread). */
  points: number;
}

export const DEFAULT_DECODE_LIMITS: Readonly<DecodeLimits> = {
  inflatedBytes: 20 * 1024 * 1024,
  values: 400_000,
  resources: 10_000,
  points: 100_000,
};

/** A body over its budget: `limit` names which one (HTTP 413 for the sender). */
export class BudgetError extends RiskgateError {
  constructor(
    readonly limit: keyof DecodeLimits,
    max: number,
  ) {
    super('OTLP_BUDGET', `the body is too large: over the receiver's ${LIMIT_TEXT[limit]} limit (${max}); send smaller batches`);
    this.name = 'BudgetError';
  }
}

const LIMIT_TEXT: Record<keyof DecodeLimits, string> = {
  inflatedBytes: 'inflated size',
  values: 'decoded values',
  resources: 'resourceMetrics',
  points: 'data points',
};

/** Running totals against the limits; throws the moment one is passed. */
export class BudgetCounter {
  private readonly used: Record<'values' | 'resources' | 'points', number> = { values: 0, resources: 0, points: 0 };

  constructor(readonly limits: Readonly<DecodeLimits>) {}

  add(kind: 'values' | 'resources' | 'points', n = 1): void {
    this.used[kind] += n;
    if (this.used[kind] > this.limits[kind]) throw new BudgetError(kind, this.limits[kind]);
  }

  get totals(): Readonly<Record<'values' | 'resources' | 'points', number>> {
    return this.used;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/**
 * Counts the values of a JSON text as it streams in, without parsing it: every object, array and string, and every
 * scalar after `:`, `,` or `[`. It over-counts nothing JSON.parse would not build, so a body it lets through is at
 * most `values` values. (Resources and points are counted on the parsed object, which is by then bounded.)
 */
export class JsonValueCounter {
  private inString = false;
  private escaped = false;
  private expectScalar = false;

  constructor(private readonly counter: BudgetCounter) {}

  /** One pass over the chunk with its state in locals; the values it found are added to the budget once, at its end. */
  feed(chunk: Uint8Array): void {
    const n = chunk.length;
    let i = 0;
    let values = 0;
    let expectScalar = this.expectScalar;
    if (this.inString) i = this.stringEnd(chunk, this.escaped ? 1 : 0);
    while (i < n) {
      const c = chunk[i]!;
      if (c === QUOTE) {
        values++;
        expectScalar = false;
        i = this.stringEnd(chunk, i + 1);
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        values++;
        expectScalar = c === OPEN_BRACKET;
      } else if (c === COLON || c === COMMA) expectScalar = true;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) expectScalar = false;
      else if (expectScalar && c > 0x20) {
        values++;
        expectScalar = false;
      }
      i++;
    }
    this.expectScalar = expectScalar;
    this.counter.add('values', values);
  }

  /** From inside a string at `from`: the index after its closing quote, or the chunk's length (the string goes on). */
  private stringEnd(chunk: Uint8Array, from: number): number {
    const n = chunk.length;
    let i = from;
    while (i < n) {
      const c = chunk[i]!;
      if (c === QUOTE) {
        this.inString = false;
        this.escaped = false;
        return i + 1;
      }
      i += c === BACKSLASH ? 2 : 1;
    }
    this.inString = true;
    this.escaped = i > n;
    return n;
  }
}

/**
 * The values budget of a JSON body as the receiver applies it. A JSON text of n bytes holds at most (n + 1) / 2 values
 * (each takes a byte of its own and is parted from the next by one), so a body shorter than twice the limit cannot pass
 * it: counting starts only once the body reaches that size, over the chunks held so far, then goes on with each chunk.
 */
export class JsonValueBudget {
  private held: Uint8Array[] = [];
  private bytes = 0;
  private counter: JsonValueCounter | undefined;
  private readonly uncounted: number;

  constructor(private readonly budget: BudgetCounter) {
    this.uncounted = 2 * budget.limits.values - 1;
  }

  /** The next chunk of the body: held while the body is too short to pass the limit, counted from then on. */
  feed(chunk: Uint8Array): void {
    if (!this.counter) {
      this.bytes += chunk.length;
      if (this.bytes <= this.uncounted) {
        this.held.push(chunk);
        return;
      }
      this.counter = new JsonValueCounter(this.budget);
      for (const earlier of this.held) this.counter.feed(earlier);
      this.held = [];
    }
    this.counter.feed(chunk);
  }
}

/** Counts resources and data points of a parsed OTLP/JSON request (its values are already bounded). */
export function countJsonShape(request: unknown, counter: BudgetCounter): void {
  for (const rm of arrayAt(request, 'resourceMetrics')) {
    counter.add('resources');
    for (const sm of arrayAt(rm, 'scopeMetrics')) {
      for (const metric of arrayAt(sm, 'metrics')) {
        for (const kind of ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary']) {
          counter.add('points', arrayAt(fieldOf(metric, kind), 'dataPoints').length);
        }
      }
    }
  }
}

function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function arrayAt(value: unknown, key: string): unknown[] {
  const field = fieldOf(value, key);
  return Array.isArray(field) ? field : [];
}
