// Tells when the object replay remembers cannot be the one a request changed: the log missed a change in between (a gap, a user or level it leaves out).
import type { JsonObject, JsonValue } from './json-value.js';
import { isJsonObject } from './json-value.js';

/** Metadata every write changes, and the controllers' status: not compared. */
const VOLATILE_METADATA: readonly string[] = ['resourceVersion', 'generation', 'managedFields'];

function withoutVolatile(object: JsonObject): JsonObject {
  const { status: _status, metadata, ...rest } = object;
  if (!isJsonObject(metadata)) return rest;
  return { ...rest, metadata: Object.fromEntries(Object.entries(metadata).filter(([key]) => !VOLATILE_METADATA.includes(key))) };
}

/** Whether every member of `part` is in `whole` with a value holding it (objects member by member, lists and scalars equal). */
function within(part: JsonValue, whole: JsonValue | undefined): boolean {
  if (isJsonObject(part)) return isJsonObject(whole) && Object.entries(part).every(([key, value]) => Object.hasOwn(whole, key) && within(value, whole[key]));
  if (Array.isArray(part)) return Array.isArray(whole) && part.length === whole.length && part.every((v, i) => within(v, whole[i]) && within(whole[i]!, v));
  return part === whole;
}

function resourceVersionOf(object: JsonObject | undefined): string | undefined {
  const metadata = object?.['metadata'];
  const version = isJsonObject(metadata) ? metadata['resourceVersion'] : undefined;
  return typeof version === 'string' && version !== '' ? version : undefined;
}

/**
 * Whether the remembered object is not the one the request changed:
 * - the request body names a resourceVersion (a PUT from a read object, a patch with a precondition) other than the
 *   remembered one: the API server only admits a write whose resourceVersion is the current one;
 * - the stored result minus what the patch wrote (`untouched`, see prePatchObject) holds a value the remembered object
 *   does not have: something the log did not show changed it.
 */
export function staleObject(remembered: JsonObject, body: JsonObject | undefined, untouched?: JsonObject): boolean {
  const asked = resourceVersionOf(body);
  const known = resourceVersionOf(remembered);
  if (asked !== undefined && known !== undefined && asked !== known) return true;
  return untouched !== undefined && !within(withoutVolatile(untouched), withoutVolatile(remembered));
}
