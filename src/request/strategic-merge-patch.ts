// Strategic merge patch as the API server applies it to built-in kinds: merged lists keyed by their patch merge key, and the $patch, $retainKeys, $setElementOrder and $deleteFromPrimitiveList directives.
import { setMember } from './json-merge-patch.js';
import type { JsonObject, JsonValue } from './json-value.js';
import { isJsonObject } from './json-value.js';
import { PatchError } from './patch-error.js';

/** How a strategic merge patch treats one field of a type (x-kubernetes-patch-strategy and -merge-key of the API). */
export interface PatchField {
  /** The type of the field's value (of each item, for a list), when a merged list lies somewhere below it. */
  type?: string;
  /** `merge`: the patch's items are merged into the list instead of replacing it. */
  list?: 'merge';
  /** The item field a merged list of objects is keyed by; absent for a merged list of scalars (finalizers). */
  mergeKey?: string;
}

export interface PatchStrategies {
  /** `apiVersion/kind` (`v1/Service`, `apps/v1/DaemonSet`) → the type of the object. */
  roots: Readonly<Record<string, string>>;
  /** Per type, the fields that lead to a merged list; a field not listed merges as in a JSON merge patch. */
  types: Readonly<Record<string, Readonly<Record<string, PatchField>>>>;
}

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';
/** What a `$patch: delete` leaves: the member holding it is removed. */
const DELETED = Symbol('deleted');
type Merged = JsonValue | typeof DELETED;

/** A comparable identity for a merge key value or a scalar list item (80 and "80" differ). */
function identity(value: JsonValue | undefined): string {
  return `${typeof value}:${typeof value === 'object' ? JSON.stringify(value) : String(value)}`;
}

function mergeValue(current: JsonValue | undefined, patch: JsonValue, field: PatchField | undefined, strategies: PatchStrategies): Merged {
  if (isJsonObject(patch)) return mergeObject(isJsonObject(current) ? current : {}, patch, field?.type, strategies);
  if (Array.isArray(patch) && field?.list === 'merge') return mergeList(Array.isArray(current) ? current : [], patch, field, strategies);
  return patch;
}

/** The `{"$patch": …}` item of a list patch, which acts on the list as a whole. */
function listDirective(patch: JsonValue[]): string | undefined {
  const item = patch.find((i) => isJsonObject(i) && Object.keys(i).length === 1 && typeof i[PATCH] === 'string');
  return isJsonObject(item) ? (item[PATCH] as string) : undefined;
}

function mergeList(original: JsonValue[], patch: JsonValue[], field: PatchField, strategies: PatchStrategies): Merged {
  const directive = listDirective(patch);
  if (directive === 'delete') return DELETED;
  const items = directive === undefined ? patch : patch.filter((i) => !(isJsonObject(i) && Object.keys(i).length === 1 && PATCH in i));
  if (directive !== undefined && directive !== 'replace') throw new PatchError(`unknown ${PATCH} directive ${JSON.stringify(directive)} in a list`);
  const start = directive === 'replace' ? [] : original;
  return field.mergeKey === undefined ? mergeScalars(start, items) : mergeKeyed(start, items, field.mergeKey, field.type, strategies);
}

/** A merged list of scalars: the patch's values not yet in the list are appended. */
function mergeScalars(original: JsonValue[], patch: JsonValue[]): JsonValue[] {
  const seen = new Set(original.map(identity));
  const result = [...original];
  for (const value of patch) if (!seen.has(identity(value))) result.push(value), seen.add(identity(value));
  return result;
}

/** A list of objects merged item by item on `key`: `$patch: delete` removes an item, a new key is appended. */
function mergeKeyed(original: JsonValue[], patch: JsonValue[], key: string, type: string | undefined, strategies: PatchStrategies): JsonValue[] {
  const result = [...original];
  for (const item of patch) {
    if (!isJsonObject(item) || !Object.hasOwn(item, key)) throw new PatchError(`an item of a list merged by ${key} has no ${key}`);
    const id = identity(item[key]);
    const at = result.findIndex((o) => isJsonObject(o) && identity(o[key]) === id);
    if (item[PATCH] === 'delete') {
      if (at >= 0) result.splice(at, 1);
      continue;
    }
    const merged = mergeObject(at >= 0 ? (result[at] as JsonObject) : {}, item, type, strategies);
    if (merged === DELETED) {
      if (at >= 0) result.splice(at, 1);
    } else if (at >= 0) result[at] = merged;
    else result.push(merged);
  }
  return result;
}

/**
 * `$setElementOrder/<list>`: the items it names take the order it gives, in the places such items hold; items it does
 * not name (added by someone else) keep their places.
 */
function reorder(list: JsonValue[], order: JsonValue[], mergeKey: string | undefined): JsonValue[] {
  const keyOf = (entry: JsonValue): string | undefined => (isJsonObject(entry) ? (mergeKey ?? Object.keys(entry)[0]) : undefined);
  const idOfEntry = (entry: JsonValue) => {
    const key = keyOf(entry);
    return key === undefined ? identity(entry) : identity((entry as JsonObject)[key]);
  };
  const rank = new Map(order.map((entry, i) => [idOfEntry(entry), i] as const));
  const key = order.length > 0 ? keyOf(order[0]!) : undefined;
  const idOfItem = (item: JsonValue) => (key === undefined ? identity(item) : isJsonObject(item) ? identity(item[key]) : identity(item));
  const ranked = list.filter((item) => rank.has(idOfItem(item))).sort((a, b) => rank.get(idOfItem(a))! - rank.get(idOfItem(b))!);
  let next = 0;
  return list.map((item) => (rank.has(idOfItem(item)) ? ranked[next++]! : item));
}

/** The list directives of one object patch, applied after its members are merged. */
function applyListDirectives(result: JsonObject, patch: JsonObject, fields: Readonly<Record<string, PatchField>>): void {
  for (const [key, value] of Object.entries(patch)) {
    if (!Array.isArray(value)) continue;
    if (key.startsWith(DELETE_FROM)) {
      const name = key.slice(DELETE_FROM.length);
      const list = result[name];
      const gone = new Set(value.map(identity));
      if (Array.isArray(list)) setMember(result, name, list.filter((v) => !gone.has(identity(v))));
    } else if (key.startsWith(SET_ORDER)) {
      const name = key.slice(SET_ORDER.length);
      const list = result[name];
      if (Array.isArray(list)) setMember(result, name, reorder(list, value, fields[name]?.mergeKey));
    }
  }
}

function mergeObject(original: JsonObject, patch: JsonObject, type: string | undefined, strategies: PatchStrategies): JsonObject | typeof DELETED {
  const directive = patch[PATCH];
  if (directive === 'delete') return DELETED;
  if (directive !== undefined && directive !== 'replace' && directive !== 'merge') throw new PatchError(`unknown ${PATCH} directive ${JSON.stringify(directive)}`);
  const fields = (type !== undefined ? strategies.types[type] : undefined) ?? {};
  const result: JsonObject = directive === 'replace' ? {} : { ...original };
  for (const [key, value] of Object.entries(patch)) {
    if (key === PATCH || key === RETAIN_KEYS || key.startsWith(SET_ORDER) || key.startsWith(DELETE_FROM)) continue;
    if (value === null) {
      delete result[key];
      continue;
    }
    const merged = mergeValue(Object.hasOwn(result, key) ? result[key] : undefined, value, fields[key], strategies);
    if (merged === DELETED) delete result[key];
    else setMember(result, key, merged);
  }
  applyListDirectives(result, patch, fields);
  const retain = patch[RETAIN_KEYS];
  if (Array.isArray(retain)) for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  return result;
}

/** The type `strategies` knows the object as, from its apiVersion and kind; undefined for kinds it lacks (custom resources). */
export function schemaTypeOf(object: JsonObject, strategies: PatchStrategies): string | undefined {
  return strategies.roots[`${String(object['apiVersion'])}/${String(object['kind'])}`];
}

/**
 * The object with a strategic merge patch applied (a kind `strategies` lacks has every list replaced). Throws a
 * PatchError for a patch the API server would refuse (an item without its merge key, an unknown directive).
 */
export function strategicMergePatch(original: JsonObject, patch: JsonObject, strategies: PatchStrategies): JsonObject {
  const type = schemaTypeOf(original, strategies);
  const merged = mergeObject(original, patch, type, strategies);
  if (merged === DELETED) throw new PatchError(`a ${PATCH}: delete of the whole object`);
  return merged;
}
