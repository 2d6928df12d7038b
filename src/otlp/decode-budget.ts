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
