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
  // Keys may hold dots themselves (annotations such as `authorization.k8s.io/decision`): try every key that prefixes the name.
  for (const key of Object.keys(value)) {
    if (!rest.startsWith(key)) continue;
    const after = rest.slice(key.length);
    if (after === '' || after.startsWith('{}')) collect(value[key]!, after, out);
    else if (after.startsWith('.')) collect(value[key]!, after.slice(1), out);
  }
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
