// How a failed Kubernetes API call is reported: a short, bounded reason for metrics (http-404, timeout, connection) and a detail for the log.
import { ApiException } from '@kubernetes/client-node';
import type { ApiFailure } from './api-failure.js';

export { isApiFailure } from './api-failure.js';
export type { ApiFailure } from './api-failure.js';

/** The HTTP status of a client-node error, or undefined when no answer came. */
export function httpStatusOf(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

export function apiFailureOf(error: unknown): ApiFailure {
  if (error instanceof ApiException) return { failed: `http-${error.code}`, detail: String(error.body).slice(0, 300) };
  const name = (error as Error).name;
  if (name === 'TimeoutError' || name === 'AbortError') return { failed: 'timeout', detail: (error as Error).message };
  const code = (error as NodeJS.ErrnoException).code;
  return { failed: code ? 'connection' : 'error', detail: (error as Error).message };
}
