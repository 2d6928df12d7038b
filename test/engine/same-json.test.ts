// sameJson, the key-order-free equality of the `changed` condition, agrees with comparing canonical JSON texts.
import fc from 'fast-check';
import { canonicalJson, sameJson } from '../../src/engine/match.js';
import type { JsonValue } from '../../src/request/json-value.js';

/** The same value with every object's keys in reverse order. */
function reordered(value: JsonValue): JsonValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(reordered);
  return Object.fromEntries(Object.keys(value).reverse().map((k) => [k, reordered(value[k]!)]));
}

const json = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<JsonValue>;

describe('sameJson', () => {
  test('property: equals canonicalJson(a) === canonicalJson(b), for unrelated values and for a value against a reordered copy', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(sameJson(a, b)).toBe(canonicalJson(a) === canonicalJson(b));
        expect(sameJson(a, reordered(a))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test.each<[string, JsonValue | undefined, JsonValue | undefined, boolean]>([
    ['keys in another order', { a: 1, b: [1, { c: 2, d: null }] }, { b: [1, { d: null, c: 2 }], a: 1 }, true],
    ['array order matters', [1, 2], [2, 1], false],
    ['a missing key', { a: 1 }, { a: 1, b: null }, false],
    ['same key count, other keys', { a: 1 }, { b: 1 }, false],
    ['array against object with index keys', [1], { 0: 1 }, false],
    ['null against empty object', null, {}, false],
    ['undefined (absent) against absent', undefined, undefined, true],
    ['undefined against null', undefined, null, false],
    ['number against string', 1, '1', false],
  ])('%s', (_title, a, b, expected) => {
    expect(sameJson(a, b)).toBe(expected);
    expect(sameJson(b, a)).toBe(expected);
  });
});
