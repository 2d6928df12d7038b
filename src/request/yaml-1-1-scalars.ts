// Resolves a plain YAML scalar for the manifest fast path exactly as the `yaml` package's YAML 1.1 schema does, with its own tags.
import { Document, isScalar } from 'yaml';
import type { CollectionTag, ScalarTag } from 'yaml';

/** A scalar the fast path does not reproduce (a timestamp, a value `yaml` reports an error for): the text takes the `yaml` path. */
export class FastPathRefusal extends Error {}

export type PlainScalar = string | number | boolean | null;

type TestedTag = ScalarTag & { test: RegExp };

/** The same schema and options the `yaml` path composes with (parseManifestText: version 1.1). */
const DOCUMENT = new Document(null, { version: '1.1' });

/** Tags `yaml` tries, in order, on a plain scalar that is not a mapping key candidate for `<<` (findScalarTagByTest). */
const TAGS: TestedTag[] = DOCUMENT.schema.tags.filter(
  (tag: CollectionTag | ScalarTag): tag is TestedTag => !('collection' in tag && tag.collection) && tag.default === true && tag.test instanceof RegExp,
);

const refuse = (message: string): never => {
  throw new FastPathRefusal(message);
};

/** Resolved values of frequent scalars (`apiVersion`, `v1`, `80`): the tags are regular expressions tried in turn. */
const cache = new Map<string, PlainScalar>();
const CACHE_LIMIT = 20_000;

function resolveUncached(source: string): PlainScalar {
  const tag = TAGS.find((t) => t.test.test(source));
  if (!tag) return source;
  const resolved: unknown = tag.resolve(source, refuse, DOCUMENT.options);
  const value: unknown = isScalar(resolved) ? resolved.value : resolved;
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  // Timestamps (Date), big integers and anything else beyond JSON scalars.
  return refuse(`plain scalar ${JSON.stringify(source)} resolves beyond a JSON scalar`);
}

/** The JavaScript value `yaml` (version 1.1) gives the plain scalar `source`; throws FastPathRefusal when the fast path must not decide. */
export function resolvePlainScalar(source: string): PlainScalar {
  const known = cache.get(source);
  if (known !== undefined || cache.has(source)) return known as PlainScalar;
  const value = resolveUncached(source);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(source, value);
  return value;
}
