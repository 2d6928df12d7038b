// JSON merge patch (RFC 7386): what `kubectl patch --type=merge`, kubectl label and annotate send; lists are replaced whole.
import type { JsonObject, JsonValue } from './json-value.js';
import { isJsonObject } from './json-value.js';

/** Sets an own member, even one named `__proto__` (a plain assignment would change the object's prototype instead). */
export function setMember(object: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The target with the patch merged in: null deletes a member, an object merges into an object, anything else replaces. */
export function jsonMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return patch;
  const result: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setMember(result, key, jsonMergePatch(Object.hasOwn(result, key) ? result[key] : undefined, value));
  }
  return result;
}
