// Approximates the object before a patch from the audit log (which has no oldObject): the stored result minus every path the patch touched.
import type { JsonObject, JsonValue } from './json-value.js';
import { isJsonObject } from './json-value.js';

/**
 * Everything the patch did not touch is known to be unchanged, so the old object equals the new one there; where the
 * patch wrote, the old value is unknown and left out (absent). Conditions over the old object then see "absent"
 * exactly where the patch wrote: a label-only patch leaves spec.template equal in both, a patch of spec.type leaves
 * oldObject.spec.type absent. Handles JSON merge and strategic merge patches (an object) and JSON patches (an array
 * of operations); anything else gives an empty old object (everything unknown).
 */
export function prePatchObject(after: JsonObject, patch: JsonValue | undefined): JsonObject {
  if (isJsonObject(patch)) {
    const before = structuredClone(after);
    return removeMergePatched(before, patch) ? {} : before;
  }
  if (Array.isArray(patch)) {
    const before = structuredClone(after);
    for (const op of patch) {
      if (!isJsonObject(op)) return {};
      for (const key of ['path', 'from'] as const) {
        const pointer = op[key];
        if (typeof pointer !== 'string') continue;
        if (pointer === '' || pointer === '/') return {};
        removePointer(before, pointer);
      }
    }
    return before;
  }
  return {};
}

/** Removes from `target` what a merge patch writes; true when the patch replaces `target` as a whole. */
function removeMergePatched(target: JsonObject, patch: JsonObject): boolean {
  // Strategic merge directives that rewrite the whole object they sit in.
  if ('$patch' in patch || '$retainKeys' in patch) return true;
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) {
      // `$setElementOrder/containers`, `$deleteFromPrimitiveList/finalizers`: the named list changes.
      const slash = key.indexOf('/');
      if (slash > 0) delete target[key.slice(slash + 1)];
      continue;
    }
    const current = target[key];
    if (isJsonObject(value) && isJsonObject(current)) {
      if (removeMergePatched(current, value)) delete target[key];
    } else {
      // A scalar, null (deletion) or list (replaced, or merged by key: either way unknown before).
      delete target[key];
    }
  }
  return false;
}

function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Removes the value at a JSON pointer; inside a list the whole list becomes unknown. */
function removePointer(root: JsonObject, pointer: string): void {
  const tokens = pointer.replace(/^\//, '').split('/').map(unescapePointerToken);
  let node: JsonObject = root;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const next = node[token];
    if (i === tokens.length - 1 || Array.isArray(next) || !isJsonObject(next)) {
      delete node[token];
      return;
    }
    node = next;
  }
}
