// Unwraps what a log line may hold around audit events: Splunk exports (`result`, `_raw`), audit webhook batches (EventList), or the bare event.
import type { JsonValue } from '../request/json-value.js';
import { isJsonObject } from '../request/json-value.js';

export class RecordError extends Error {}

/**
 * A JSON.parse failure as a one-line reason: V8 quotes the text around the error, and a record may span lines (a
 * pretty-printed array), so line breaks and other control characters are written as JSON escapes.
 */
export function notJsonError(what: string, error: unknown): RecordError {
  const reason = (error instanceof Error ? error.message : String(error)).replace(/[\u0000-\u001f\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1));
  return new RecordError(`${what} (${reason})`);
}

/** A value inside a record, or why it cannot be read (one bad `_raw` costs only its own event). */
export type Unwrapped = JsonValue | RecordError;

function parseRaw(raw: string): Unwrapped {
  try {
    return JSON.parse(raw) as JsonValue;
  } catch (error) {
    return notJsonError('_raw is not JSON', error);
  }
}

function unwrapResult(result: JsonValue): Unwrapped {
  return isJsonObject(result) && typeof result['_raw'] === 'string' ? parseRaw(result['_raw']) : result;
}

/**
 * The audit events inside one parsed record, in order:
 * - `{"kind":"EventList","items":[…]}` (audit webhook batch) → its items;
 * - Splunk `splunk search -output json` / Web export lines `{"preview":false,"result":{"_raw":"…",…}}` → the
 *   parsed `_raw` (or the result itself when it is the event); lines with no result (messages, previews) → none;
 * - Splunk REST results (`…/results?output_mode=json`: `{"preview":false,…,"results":[{"_raw":"…"},…]}`) → each
 *   result unwrapped the same way;
 * - `{"_raw":"…"}` → the parsed `_raw`;
 * - anything else → itself (validated later as an audit event).
 * A `_raw` that is not JSON comes out as a RecordError in its place.
 */
export function auditEventsOf(record: JsonValue): Unwrapped[] {
  if (!isJsonObject(record)) return [record];
  if (record['kind'] === 'EventList' && Array.isArray(record['items'])) return record['items'];
  if ('result' in record || 'results' in record || 'preview' in record) {
    const results = Array.isArray(record['results']) ? record['results'] : record['result'] === undefined ? [] : [record['result']];
    return results.map(unwrapResult);
  }
  if (typeof record['_raw'] === 'string') return [parseRaw(record['_raw'])];
  return [record];
}
