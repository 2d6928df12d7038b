// A failed Kubernetes API call as the sinks pass it on (short reason + detail), without the Kubernetes client: the Event sink loads with serve, the client only when Events are on.

export interface ApiFailure {
  failed: string;
  detail: string;
}

export function isApiFailure(value: unknown): value is ApiFailure {
  return typeof value === 'object' && value !== null && 'failed' in value;
}
