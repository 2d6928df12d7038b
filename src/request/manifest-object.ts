// What a manifest text parses into (objects at their first key, problems) and the checks every candidate object passes.
import { fieldName } from './field-name.js';
import { MAX_JSON_DEPTH, tooDeepPath } from './json-depth.js';
import type { JsonObject, JsonValue } from './json-value.js';
import { isJsonObject } from './json-value.js';

/** One object of a manifest, positioned at its first key (1-based line and column). */
export interface ManifestObject {
  object: JsonObject;
  line: number;
  column: number;
}

/** A document (or a List item) that cannot be checked; the other documents of the text still are. */
export interface ManifestProblem {
  code: 'MANIFEST_YAML' | 'MANIFEST_NOT_AN_OBJECT' | 'MANIFEST_MISSING_FIELD' | 'MANIFEST_BAD_FIELD';
  line: number;
  column: number;
  message: string;
}

export interface ParsedManifest {
  objects: ManifestObject[];
  problems: ManifestProblem[];
}

/** Checks the fields every Kubernetes object needs; returns what is wrong, or undefined. */
export function objectProblem(value: JsonValue): Pick<ManifestProblem, 'code' | 'message'> | undefined {
  if (!isJsonObject(value)) return { code: 'MANIFEST_NOT_AN_OBJECT', message: `not a Kubernetes object (a ${describe(value)} instead of a mapping with apiVersion and kind)` };
  // Aliases can nest a document deeper than its text does; the engine walks objects recursively.
  const deep = tooDeepPath(value);
  if (deep) return { code: 'MANIFEST_BAD_FIELD', message: `${fieldName(deep)} is nested more than ${MAX_JSON_DEPTH} levels deep` };
  for (const field of ['apiVersion', 'kind'] as const) {
    const v = value[field];
    if (v === undefined || v === null) return { code: 'MANIFEST_MISSING_FIELD', message: `${field} is missing` };
    if (typeof v !== 'string' || v === '') return { code: 'MANIFEST_BAD_FIELD', message: `${field} must be a non-empty string` };
  }
  const metadata = value['metadata'];
  if (metadata === undefined || metadata === null) return undefined;
  if (!isJsonObject(metadata)) return { code: 'MANIFEST_BAD_FIELD', message: 'metadata must be a mapping' };
  for (const field of ['name', 'namespace', 'generateName'] as const) {
    const v = metadata[field];
    if (v !== undefined && v !== null && typeof v !== 'string') return { code: 'MANIFEST_BAD_FIELD', message: `metadata.${field} must be a string` };
  }
  return undefined;
}

function describe(value: JsonValue): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  return typeof value;
}

/** `kind: List` (or any `…List` with items), as `kubectl get -o yaml` writes: its items are the objects. */
export function isList(value: JsonObject): boolean {
  const kind = value['kind'];
  return typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value['items']);
}

