// Fast path of parseManifestText for a JSON manifest of one object: JSON.parse, when the `yaml` path is sure to read the same values at the same place; undefined otherwise.
import { tooDeepPath } from './json-depth.js';
import type { JsonValue } from './json-value.js';
import { isJsonObject } from './json-value.js';
import { isList, objectProblem } from './manifest-object.js';
import type { ParsedManifest } from './manifest-object.js';
import { REFUSED_CHARACTER } from './plain-yaml-layout.js';
import { resolvePlainScalar } from './yaml-1-1-scalars.js';

/**
 * String tokens (group 2 set when a key) and number tokens, in text order. Backslashes are refused, so a string has
 * no escapes and `"[^"]*"` is exactly a JSON string; digits outside strings belong to numbers.
 */
const TOKEN = /"([^"]*)"(\s*:)?|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g;
/** `yaml` limits implicit keys to 1024 characters; stay clear of it. */
const MAX_KEY_LENGTH = 1000;

/** Own keys of every object in `root`, walked without recursion. */
function keyCount(root: JsonValue): number {
  let count = 0;
  const stack: JsonValue[] = [root];
  while (stack.length > 0) {
    const value = stack.pop()!;
    // One by one: spreading a 100,000-item array into push() would overflow the stack.
    const children = Array.isArray(value) ? value : isJsonObject(value) ? Object.values(value) : [];
    if (!Array.isArray(value)) count += children.length;
    for (const child of children) stack.push(child);
  }
  return count;
}

/** YAML 1.1 reads a JSON number as a plain scalar: it must give the number JSON.parse gave. */
function sameNumber(token: string): boolean {
  try {
    return Object.is(resolvePlainScalar(token), Number(token));
  } catch {
    return false;
  }
}

/**
 * Every key distinct (JSON.parse keeps the last of duplicates, `yaml` reports them), every number read alike, no
 * over-long key.
 */
function tokensAgree(text: string, value: JsonValue): boolean {
  let keys = 0;
  for (const match of text.matchAll(TOKEN)) {
    if (match[1] === undefined) {
      if (!sameNumber(match[0])) return false;
    } else if (match[2] !== undefined) {
      if (match[1].length > MAX_KEY_LENGTH) return false;
      keys++;
    }
  }
  return keys === keyCount(value);
}

/** The ParsedManifest of a text that is one JSON object (not a List, not too deep), positioned at its `{`; otherwise undefined. */
export function fastParseJsonManifest(text: string): ParsedManifest | undefined {
  const start = text.search(/\S/);
  if (start === -1 || text[start] !== '{' || REFUSED_CHARACTER.test(text) || text.includes('__proto__')) return undefined;
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
  if (!isJsonObject(value) || isList(value) || tooDeepPath(value) || !tokensAgree(text, value)) return undefined;
  const lineStart = text.lastIndexOf('\n', start) + 1;
  const position = { line: text.slice(0, lineStart).split('\n').length, column: start - lineStart + 1 };
  const problem = objectProblem(value);
  return problem ? { objects: [], problems: [{ ...problem, ...position }] } : { objects: [{ object: value, ...position }], problems: [] };
}
