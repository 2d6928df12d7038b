// What the API server refused, as one line a person can act on: 401 (credentials), 403 (RBAC, with the API server's own words), anything else.
import { RiskgateError } from '../riskgate-error.js';
import { statusMessage, type KubeResponse } from './kube-api.js';

/** An answer to `what` (e.g. `list daemonsets.apps in all namespaces`) that was not a success. */
export function refusal(what: string, response: KubeResponse, credentials: string): RiskgateError {
  if (response.status === 401) {
    return new RiskgateError('KUBE_UNAUTHORIZED', `${what}: the API server refused the credentials of ${credentials} (401 Unauthorized: expired or invalid token or certificate)`);
  }
  if (response.status === 403) return new RiskgateError('KUBE_FORBIDDEN', `${what}: forbidden (403): ${statusMessage(response)}`);
  if (response.status === 404) return new RiskgateError('KUBE_NOT_FOUND', `${what}: not served by this API server (404): ${statusMessage(response)}`);
  return new RiskgateError('KUBE_REFUSED', `${what}: HTTP ${response.status}: ${statusMessage(response)}`);
}

/** A failure to reach the API server, named with what was being done. */
export function unreachable(what: string, error: unknown): RiskgateError {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof RiskgateError ? error.code : 'KUBE_UNREACHABLE';
  return new RiskgateError(code, `${what}: ${message}`);
}
