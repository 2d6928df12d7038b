// Which kind of patch an audit event's body is: the log keeps the body but not its content type, so the shape, the kind and kubectl's field manager decide.
import type { JsonObject, JsonValue } from './json-value.js';
import { isJsonObject } from './json-value.js';

export type PatchType = 'json' | 'merge' | 'strategic';

/** kubectl commands (named by their `?fieldManager=` in the requestURI) that send a JSON merge patch, whatever the kind. */
const MERGE_PATCH_MANAGERS: readonly string[] = ['kubectl-label', 'kubectl-annotate'];

/** Whether a body holds a strategic merge directive (`$patch`, `$retainKeys`, `$setElementOrder/…`, `$deleteFromPrimitiveList/…`) anywhere. */
function hasDirective(value: JsonValue): boolean {
  if (Array.isArray(value)) return value.some(hasDirective);
  if (!isJsonObject(value)) return false;
  return Object.entries(value).some(([key, member]) => key.startsWith('$') || hasDirective(member));
}

/**
 * The patch type of a body, as the API server must have read it:
 * - an array is a JSON patch (RFC 6902); anything else but an object is no patch riskgate can apply;
 * - a kind with no strategic merge schema (a custom resource) only takes a JSON merge patch;
 * - a strategic merge directive only exists in strategic merge patches;
 * - `kubectl label` and `kubectl annotate` send JSON merge patches;
 * - otherwise strategic merge: kubectl's own choice for built-in kinds (`patch` without `--type`, `apply`, `edit`,
 *   `set`, `rollout`), and client-go's usual one. The one body this misreads is a `kubectl patch --type=merge` (field
 *   manager `kubectl-patch` either way) that writes a list a strategic merge merges by key (Service ports, containers):
 *   the API server replaced that list, this merges into it. Both keep what the patch writes.
 */
export function patchTypeOf(body: JsonValue, fieldManager: string, hasSchema: boolean): PatchType | undefined {
  if (Array.isArray(body)) return 'json';
  if (!isJsonObject(body)) return undefined;
  if (!hasSchema) return 'merge';
  if (hasDirective(body as JsonObject)) return 'strategic';
  return MERGE_PATCH_MANAGERS.includes(fieldManager) ? 'merge' : 'strategic';
}
