// Generators of hostile JSON: prototype-pollution keys, deep nesting, huge strings, and mutations of real bodies at any path.
import fc from 'fast-check';

/** Keys that pollute prototypes when code merges or assigns them carelessly. */
export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'] as const;

/** The property a successful pollution would add to every object. */
export const POLLUTION_MARK = 'riskgatePolluted';

/** JSON texts that pollute Object.prototype when parsed into objects and then merged by a careless deep merge. */
export const POLLUTION_PAYLOADS = [
  `{"__proto__":{"${POLLUTION_MARK}":"yes"}}`,
  `{"constructor":{"prototype":{"${POLLUTION_MARK}":"yes"}}}`,
  `{"__proto__":{"__proto__":{"${POLLUTION_MARK}":"yes"}}}`,
].map((text) => JSON.parse(text) as unknown);

const key = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.constantFrom(...POLLUTION_KEYS) },
  { weight: 1, arbitrary: fc.constantFrom('apiVersion', 'kind', 'request', 'uid', 'metadata', 'spec', 'type', 'labels', 'namespace', 'name') },
);

const scalar = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('', 'NodePort', 'LoadBalancer', 'CREATE', 'UPDATE', 'CONNECT', 'admission.k8s.io/v1', 'AdmissionReview', 'services', 'exec'),
);

/**
 * Any JSON value, with pollution keys among the object keys. Objects are built as JSON.parse builds them (own
 * `__proto__` properties), by going through JSON text.
 */
export const hostileJson: fc.Arbitrary<unknown> = fc
  .letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 5 }),
    object: fc.array(fc.tuple(key, tie('value')), { maxLength: 6 }).map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`).map((text) => JSON.parse(text) as unknown),
  }))
  .value.map((v) => v);

/** A JSON text nested `depth` levels deep (arrays or objects) around `inner`. */
export function deeplyNested(depth: number, shape: 'array' | 'object', inner = '1'): string {
  return shape === 'array' ? `${'['.repeat(depth)}${inner}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`;
}

type Path = Array<string | number>;

/** Every path to a value inside `root` (objects and arrays walked), the root itself excluded. */
export function pathsOf(root: unknown, limit = 5_000): Path[] {
  const out: Path[] = [];
  const walk = (value: unknown, path: Path) => {
    if (out.length >= limit || typeof value !== 'object' || value === null) return;
    const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    for (const [k, v] of entries) {
      out.push([...path, k]);
      walk(v, [...path, k]);
    }
  };
  walk(root, []);
  return out;
}

export type Mutation = { kind: 'set'; path: Path; value: unknown } | { kind: 'delete'; path: Path } | { kind: 'add'; path: Path; key: string; value: unknown };

/** `a.b.0.c`, as the adapters name fields. */
export function dotted(path: Path): string {
  return path.join('.');
}

/** The container of the path's last step; missing or scalar containers on the way become objects. */
function parentOf(root: unknown, path: Path): Record<string | number, unknown> {
  let node = root as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string | number, unknown>;
  }
  return node;
}

/** Applies a mutation to a deep copy of `base` (own `__proto__` keys are set with defineProperty, as JSON.parse does). */
export function mutate(base: unknown, mutation: Mutation): unknown {
  const copy = JSON.parse(JSON.stringify(base)) as unknown;
  if (mutation.path.length === 0) return mutation.kind === 'set' ? mutation.value : copy;
  const parent = parentOf(copy, mutation.path);
  const last = mutation.path[mutation.path.length - 1]!;
  if (mutation.kind === 'set') Object.defineProperty(parent, last, { value: mutation.value, enumerable: true, writable: true, configurable: true });
  else if (mutation.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    const target = parent[last];
    if (typeof target === 'object' && target !== null && !Array.isArray(target)) {
      Object.defineProperty(target, mutation.key, { value: mutation.value, enumerable: true, writable: true, configurable: true });
    }
  }
  return copy;
}

/** Mutations of `base`: a value replaced by hostile JSON, a field deleted, or a (pollution) key added to an object. */
export function mutationOf(base: unknown): fc.Arbitrary<Mutation> {
  const paths = pathsOf(base);
  const path = fc.nat({ max: paths.length - 1 }).map((i) => paths[i]!);
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), path, value: hostileJson }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), path }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), path, key: fc.constantFrom(...POLLUTION_KEYS), value: fc.constantFrom(...POLLUTION_PAYLOADS) }) },
  );
}
