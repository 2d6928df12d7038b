// How long to wait before the next delivery attempt: exponential backoff with jitter, or the server's Retry-After when it sent one.
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** A number in [0, 1); Math.random outside tests. */
  random: () => number;
}

export const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 60_000 } as const;

/** Longest Retry-After honoured: a misconfigured proxy must not park delivery for hours. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * "Equal jitter": half of the exponential step plus a random half, so retries of many riskgate replicas spread out
 * and never fall to zero. `attempt` counts failures so far (1 for the first retry).
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const step = Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, attempt - 1));
  return step / 2 + options.random() * (step / 2);
}

/** A 503/429 Retry-After wins over the backoff (bounded both ways); without one the backoff applies. */
export function retryDelay(attempt: number, retryAfterMs: number | undefined, options: BackoffOptions): number {
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs)) return backoffDelay(attempt, options);
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(retryAfterMs, options.initialMs / 2));
}
