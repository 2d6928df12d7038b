// Nesting bound of parsed JSON: the allocation-free check and the path it reports agree at every depth and shape.
import fc from 'fast-check';
import { MAX_JSON_DEPTH, tooDeepPath } from '../../src/request/json-depth.js';

/** A value whose innermost container sits `depth` containers deep, alternating objects and arrays under `key`. */
function nested(depth: number, key = 'k'): unknown {
  let value: unknown = 'leaf';
  for (let level = depth; level >= 1; level--) value = level % 2 === 0 ? [0, value] : { other: 1, [key]: value };
  return value;
}

test('a value exactly at the limit passes; one level more is reported with the path to the first container too deep', () => {
  expect(tooDeepPath(nested(MAX_JSON_DEPTH))).toBeUndefined();
  const path = tooDeepPath(nested(MAX_JSON_DEPTH + 1))!;
  expect(path).toHaveLength(MAX_JSON_DEPTH);
  expect(path.slice(0, 3)).toEqual(['k', 1, 'k']);
});

test('scalars and shallow real shapes pass; a million levels are refused without a stack overflow', () => {
  for (const value of [null, 1, 'x', true, {}, [], { metadata: { labels: { a: 'b' } }, spec: { ports: [{ port: 80 }] } }]) expect(tooDeepPath(value)).toBeUndefined();
  expect(tooDeepPath(nested(1_000_000))).toHaveLength(MAX_JSON_DEPTH);
});

test('any JSON value: reported exactly when its deepest container is deeper than the limit, wherever it sits', () => {
  const depthOf = (value: unknown): number =>
    typeof value !== 'object' || value === null ? 0 : 1 + Math.max(0, ...Object.values(value as object).map(depthOf));
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 1, max: 8 }), (value, limit) => {
      const path = tooDeepPath(value, limit);
      expect(path !== undefined).toBe(depthOf(value) > limit);
      if (path) expect(path).toHaveLength(limit);
    }),
  );
});

test('inherited and __proto__ keys: only own entries are walked', () => {
  const parsed = JSON.parse(`{"__proto__": ${JSON.stringify(nested(MAX_JSON_DEPTH + 1))}}`) as unknown;
  expect(tooDeepPath(parsed)?.[0]).toBe('__proto__');
  expect(tooDeepPath(Object.create({ inherited: nested(MAX_JSON_DEPTH + 1) }))).toBeUndefined();
});
