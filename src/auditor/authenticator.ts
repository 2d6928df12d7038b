// Who may read the auditor view: a bearer token is checked by an Authenticator (static token file, or Kubernetes TokenReview + SubjectAccessReview).
export type AccessDecision =
  | { outcome: 'allowed'; user: string }
  /** No valid identity: HTTP 401. */
  | { outcome: 'unauthenticated'; reason: string }
  /** A valid identity without the permission: HTTP 403. */
  | { outcome: 'forbidden'; user: string; reason: string }
  /** The check itself could not run (API server unreachable): HTTP 503. */
  | { outcome: 'unavailable'; reason: string };

export interface Authenticator {
  readonly kind: string;
  check(token: string): Promise<AccessDecision>;
}
