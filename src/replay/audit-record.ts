// Unwraps what a log line may hold around audit events: Splunk exports (`result`, `_raw`), audit webhook batches (EventList), or the bare event.
import type { JsonValue } from '../request/json-value.js';
import { isJsonObject } from '../request/json-value.js';

export class RecordError extends Error {}

function parseRaw(raw: string): JsonValue {
  try {
    return JSON.parse(raw) as JsonValue;
  } catch (error) {
    throw new RecordError(`_raw is not JSON (${(error as Error).message})`);
  }
}

/**
 * The audit events inside one parsed record, in order:
 * - `{"kind":"EventList","items":[…]}` (audit webhook batch) → its items;
 * - Splunk `splunk search -output json` / Web export lines `{"preview":false,"result":{"_raw":"…",…}}` → the
 *   parsed `_raw` (or the result itself when it is the event); lines with no result (messages, previews) → none;
 * - `{"_raw":"…"}` → the parsed `_raw`;
 * - anything else → itself (validated later as an audit event).
 */
export function auditEventsOf(record: JsonValue): JsonValue[] {
  if (!isJsonObject(record)) return [record];
  if (record['kind'] === 'EventList' && Array.isArray(record['items'])) return record['items'];
  if ('result' in record || 'preview' in record) {
    const result = record['result'];
    if (result === undefined) return [];
    if (isJsonObject(result) && typeof result['_raw'] === 'string') return [parseRaw(result['_raw'])];
    return [result];
  }
  if (typeof record['_raw'] === 'string') return [parseRaw(record['_raw'])];
  return [record];
}
