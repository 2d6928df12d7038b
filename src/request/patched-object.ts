// The object a patch asked for when the audit log does not show the result (denied, or logged without the response): the last stored object with the patch applied.
import jsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { jsonMergePatch } from './json-merge-patch.js';
import type { JsonObject, JsonValue } from './json-value.js';
import { isJsonObject } from './json-value.js';
import { PatchError } from './patch-error.js';
import { PATCH_STRATEGIES } from './patch-strategies.js';
import type { PatchType } from './patch-type.js';
import { patchTypeOf } from './patch-type.js';
import { schemaTypeOf, strategicMergePatch } from './strategic-merge-patch.js';

/** RFC 6902 through fast-json-patch: operations validated, the input left as it is, `__proto__` paths refused. */
function applyJsonPatch(before: JsonObject, operations: JsonValue[]): JsonValue {
  try {
    return jsonPatch.applyPatch(before, operations as unknown as Operation[], true, false, true).newDocument as JsonValue;
  } catch (error) {
    throw new PatchError(`JSON patch not applicable: ${(error as Error).message.split('\n')[0]}`);
  }
}

function apply(before: JsonObject, patch: JsonValue, type: PatchType): JsonValue {
  if (type === 'json') return applyJsonPatch(before, patch as JsonValue[]);
  if (type === 'merge') return jsonMergePatch(before, patch);
  return strategicMergePatch(before, patch as JsonObject, PATCH_STRATEGIES);
}

/**
 * `before` with the patch body of an audit event applied, its type inferred (patchTypeOf) from the body, the kind and
 * the field manager. Throws a PatchError when the body is no patch or does not apply (the API server would have
 * refused it before admission).
 */
export function patchedObject(before: JsonObject, patch: JsonValue, fieldManager: string): JsonObject {
  const type = patchTypeOf(patch, fieldManager, schemaTypeOf(before, PATCH_STRATEGIES) !== undefined);
  if (type === undefined) throw new PatchError('the patch body is neither an object nor a list of operations');
  const after = apply(before, patch, type);
  if (!isJsonObject(after)) throw new PatchError('the patch does not leave an object');
  return after;
}
