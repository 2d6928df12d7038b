// What an update's audit event tells of the old object: a path that an allowed patch did not write still holds what the stored result holds.
import { parsePath } from '../engine/field-path.js';
import type { FieldPath } from '../rules/rule.js';
import { evalField, evalString } from './spl-literal.js';

/**
 * The part of a rule path that a patch writes as one unit: its keys up to the first list (a strategic merge patch
 * merges a list by key and a JSON patch addresses it by index, so after either the old list is not known).
 * `flag` is the field the search sets to 1 when the path is kept: the event is an allowed patch whose stored result
 * is in the log (responseObject, not a Status) and the patch wrote neither the path nor anything above or below it.
 */
export interface KeptPath {
  flag: string;
  keys: string[];
  /** The keys end at a list (the rule path goes on with `[*]` or `[N]`). */
  list: boolean;
}

/** Set to 1 for an allowed patch whose stored result the event holds. */
export const PATCH_RESULT = 'patch_result';
/** The JSON pointers a JSON patch (kubectl patch --type=json) writes or moves from. */
export const PATCH_POINTERS = 'patch_pointers';

/** The KeptPath of an object or oldObject path, or undefined when it has no key to stand for (the whole object). */
export function keptPathOf(path: FieldPath): KeptPath | undefined {
  const { steps } = parsePath(path);
  const keys: string[] = [];
  for (const step of steps) {
    if (!('key' in step)) break;
    keys.push(step.key);
  }
  if (keys.length === 0) return undefined;
  return { flag: `kept_${keys.map((k) => k.replace(/[^A-Za-z0-9]/g, '_')).join('_')}`, keys, list: keys.length < steps.length };
}

function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The pointers that write the path: the path itself, anything under it, or one of its parents (`""` and `/` the whole object). */
export function pointerRegex(keys: readonly string[]): string {
  const nested = keys.reduceRight((inner, key, i) => `(/${pointerToken(key)}${i === keys.length - 1 ? '(/.*)?' : inner})?`, '');
  return `^${nested}/?$`;
}

/** `spath` of the path in a merge or strategic merge patch body (a list by its elements: `{}`). */
function bodyPath(kept: KeptPath): string {
  return `requestObject.${kept.keys.join('.')}${kept.list ? '{}' : ''}`;
}

/** One `name=expression` of an eval stage. */
export interface Assignment {
  name: string;
  eval: string;
}

/** The eval assignments of the kept flags, after the two fields they share (eval runs them left to right). */
export function keptAssignments(paths: readonly KeptPath[]): Assignment[] {
  if (paths.length === 0) return [];
  const kind = evalField('responseObject.kind');
  const result = { name: PATCH_RESULT, eval: `if(verb="patch" AND isnotnull(${kind}) AND ${kind}!="Status", 1, 0)` };
  const pointers = { name: PATCH_POINTERS, eval: `mvappend(${evalField('requestObject{}.path')}, ${evalField('requestObject{}.from')})` };
  const flags = paths.map((p) => ({
    name: p.flag,
    eval: `if(${PATCH_RESULT}=1 AND isnull(spath(_raw, ${evalString(bodyPath(p))})) AND isnull(mvfind(${PATCH_POINTERS}, ${evalString(pointerRegex(p.keys))})), 1, 0)`,
  }));
  return [result, pointers, ...flags];
}
