// What a HEC answer means for delivery: success (with an ackId when ack is on) or a failure with a short reason and an optional Retry-After.
import { MAX_RETRY_AFTER_MS } from './retry-backoff.js';

export interface HecSuccess {
  ok: true;
  ackId?: number;
}

export interface HecFailure {
  ok: false;
  /** Short and bounded (a metric label): `http-503`, `hec-code-9`, `timeout`, `connection`, `tls`, `malformed`. */
  reason: string;
  detail: string;
  /** From a Retry-After header on 503/429, in milliseconds. */
  retryAfterMs?: number;
}

export type HecResult = HecSuccess | HecFailure;

interface HecBody {
  text?: unknown;
  code?: unknown;
  ackId?: unknown;
  acks?: unknown;
}

export function parseJsonBody(text: string): HecBody | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as HecBody) : undefined;
  } catch {
    return undefined;
  }
}

/** How much of an answer a failure's detail quotes (it is logged): an error page or a hostile body is cut. */
const QUOTED_CHARS = 120;

function quote(text: string): string {
  return text.length <= QUOTED_CHARS ? text : `${text.slice(0, QUOTED_CHARS - 1)}…`;
}

/**
 * Retry-After as seconds (HEC's form) or an HTTP date, at most MAX_RETRY_AFTER_MS (a finite delay whatever the header
 * says: `1e400`, a date in the year 275760).
 */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}

/** A HEC status code is a small non-negative integer (0 success, 6 invalid data format, 9 server busy…). */
function hecCode(code: unknown): number | undefined {
  return typeof code === 'number' && Number.isInteger(code) && code >= 0 && code <= 999 ? code : undefined;
}

/** The reason label of a failed answer: the HEC code when the body carries a sane one, else the HTTP status. */
function httpReason(prefix: string, status: number): string {
  return Number.isInteger(status) && status >= 0 && status <= 999 ? `${prefix}${status}` : 'malformed';
}

/** Interprets the answer to POST /services/collector/event. */
export function eventResult(status: number, text: string, retryAfter: string | undefined): HecResult {
  const body = parseJsonBody(text);
  const detail = typeof body?.text === 'string' ? `HEC ${status}: ${quote(body.text)} (code ${quote(String(body.code))})` : `HEC ${status}: ${quote(text)}`;
  if (status === 503 || status === 429) {
    const failure: HecFailure = { ok: false, reason: `http-${status}`, detail };
    const after = retryAfterMs(retryAfter);
    if (after !== undefined) failure.retryAfterMs = after;
    return failure;
  }
  const code = hecCode(body?.code);
  if (status !== 200) return { ok: false, reason: code !== undefined ? `hec-code-${code}` : httpReason('http-', status), detail };
  if (!body || body.code !== 0) return { ok: false, reason: 'malformed', detail: `HEC 200 with an unexpected body: ${quote(text)}` };
  if (body.ackId === undefined || body.ackId === null) return { ok: true };
  // An ackId that is no id cannot be acknowledged: send again rather than count the batch as delivered.
  if (!Number.isSafeInteger(body.ackId) || (body.ackId as number) < 0) return { ok: false, reason: 'malformed', detail: `HEC 200 with an ackId that is not an id: ${quote(text)}` };
  return { ok: true, ackId: body.ackId as number };
}

/** Interprets the answer to POST /services/collector/ack: true when the indexer acknowledged `ackId`. */
export function ackResult(status: number, text: string, ackId: number): HecFailure | { ok: true; acked: boolean } {
  const body = parseJsonBody(text);
  if (status !== 200) return { ok: false, reason: httpReason('ack-http-', status), detail: `HEC ack ${status}: ${quote(text)}` };
  const acks = body?.acks;
  if (typeof acks !== 'object' || acks === null) return { ok: false, reason: 'malformed', detail: `HEC ack 200 with an unexpected body: ${quote(text)}` };
  // Own properties only: `{"acks":{"__proto__":…}}` or an inherited key is no acknowledgement.
  return { ok: true, acked: Object.prototype.hasOwnProperty.call(acks, String(ackId)) && (acks as Record<string, unknown>)[String(ackId)] === true };
}
