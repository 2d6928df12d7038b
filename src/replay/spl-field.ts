// Reads a field of a raw audit event the way Splunk's JSON extraction names it: `objectRef.name`, `sourceIPs{}`, `requestObject.spec.ports{}.nodePort`.
import type { JsonValue } from '../request/json-value.js';
import { isJsonObject } from '../request/json-value.js';

function scalarText(value: JsonValue): string | undefined {
  if (value === null || typeof value === 'object') return undefined;
  return typeof value === 'string' ? value : String(value);
}

function collect(value: JsonValue, rest: string, out: string[]): void {
  if (rest === '') {
    const text = scalarText(value);
    if (text !== undefined) out.push(text);
    return;
  }
  if (rest.startsWith('{}')) {
    if (!Array.isArray(value)) return;
    const after = rest.slice(2);
    const next = after.startsWith('.') ? after.slice(1) : after;
    for (const item of value) collect(item, next, out);
    return;
  }
  if (!isJsonObject(value)) return;
  // Keys may hold dots themselves (annotations such as `authorization.k8s.io/decision`): every key that prefixes the
  // name up to a `.`, a `{}` or its end can match. Usually one such key exists: look the prefixes up directly.
  let only: string | undefined;
  let found = 0;
  for (let i = 0; i <= rest.length; i++) {
    if (i < rest.length && rest.charCodeAt(i) !== 46 && !rest.startsWith('{}', i)) continue;
    const key = rest.slice(0, i);
    if (!Object.hasOwn(value, key)) continue;
    only = key;
    found++;
  }
  if (found === 1) descend(value[only!]!, rest.slice(only!.length), out);
  // Several: in the object's key order, as the extraction lists them.
  else if (found > 1) for (const key of Object.keys(value)) if (matchesPrefix(rest, key)) descend(value[key]!, rest.slice(key.length), out);
}

function matchesPrefix(rest: string, key: string): boolean {
  if (!rest.startsWith(key)) return false;
  const after = rest.slice(key.length);
  return after === '' || after.startsWith('{}') || after.startsWith('.');
}

/** Goes on below a matched key with what follows it in the name (`''`, `{}…` or `.…`). */
function descend(value: JsonValue, after: string, out: string[]): void {
  collect(value, after.startsWith('.') ? after.slice(1) : after, out);
}

/**
 * Every value of the field (several for arrays: a multivalue field). JSON null, objects and empty arrays give no value,
 * so the field is absent, as for Splunk.
 */
export function splFieldValues(event: JsonValue, field: string): string[] {
  const out: string[] = [];
  collect(event, field, out);
  return out;
}
