// What a HEC answer means for delivery: success (with an ackId when ack is on) or a failure with a short reason and an optional Retry-After.
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

/** Retry-After as seconds (HEC's form) or an HTTP date. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Interprets the answer to POST /services/collector/event. */
export function eventResult(status: number, text: string, retryAfter: string | undefined): HecResult {
  const body = parseJsonBody(text);
  const detail = typeof body?.text === 'string' ? `HEC ${status}: ${body.text} (code ${String(body.code)})` : `HEC ${status}: ${text.slice(0, 200)}`;
  if (status === 503 || status === 429) {
    const failure: HecFailure = { ok: false, reason: `http-${status}`, detail };
    const after = retryAfterMs(retryAfter);
    if (after !== undefined) failure.retryAfterMs = after;
    return failure;
  }
  if (status !== 200) return { ok: false, reason: typeof body?.code === 'number' ? `hec-code-${body.code}` : `http-${status}`, detail };
  if (!body || body.code !== 0) return { ok: false, reason: 'malformed', detail: `HEC 200 with an unexpected body: ${text.slice(0, 200)}` };
  return typeof body.ackId === 'number' ? { ok: true, ackId: body.ackId } : { ok: true };
}

/** Interprets the answer to POST /services/collector/ack: true when the indexer acknowledged `ackId`. */
export function ackResult(status: number, text: string, ackId: number): HecFailure | { ok: true; acked: boolean } {
  const body = parseJsonBody(text);
  if (status !== 200) return { ok: false, reason: `ack-http-${status}`, detail: `HEC ack ${status}: ${text.slice(0, 200)}` };
  const acks = body?.acks;
  if (typeof acks !== 'object' || acks === null) return { ok: false, reason: 'malformed', detail: `HEC ack 200 with an unexpected body: ${text.slice(0, 200)}` };
  return { ok: true, acked: (acks as Record<string, unknown>)[String(ackId)] === true };
}
