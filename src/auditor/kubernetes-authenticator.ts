// In-cluster access to the auditor view, like kube-rbac-proxy: TokenReview authenticates the bearer token, SubjectAccessReview checks RBAC.
import { createHash } from 'node:crypto';
import { AuthenticationV1Api, AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { AccessDecision, Authenticator } from './authenticator.js';

/** The RBAC permission the SubjectAccessReview asks about: `list` on `riskevents` in API group `riskgate.io` (no CRD needed). */
export const AUDITOR_PERMISSION = { group: 'riskgate.io', resource: 'riskevents', verb: 'list' } as const;

const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 1000;

export class KubernetesAuthenticator implements Authenticator {
  readonly kind = 'kubernetes';
  private readonly authn: AuthenticationV1Api;
  private readonly authz: AuthorizationV1Api;
  private readonly cache = new Map<string, { decision: AccessDecision; expires: number }>();

  /** `audiences`: the token must be valid for one of them (TokenReview spec.audiences; none: the API server's own). */
  constructor(
    kubeConfig: KubeConfig,
    private readonly now: () => number = Date.now,
    private readonly audiences: readonly string[] = [],
  ) {
    this.authn = kubeConfig.makeApiClient(AuthenticationV1Api);
    this.authz = kubeConfig.makeApiClient(AuthorizationV1Api);
  }

  /** Decisions are cached for a minute by token hash, so page loads do not hit the API server each time. */
  async check(token: string): Promise<AccessDecision> {
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.cache.get(key);
    if (cached && cached.expires > this.now()) return cached.decision;
    const decision = await this.review(token);
    if (decision.outcome !== 'unavailable') {
      if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, { decision, expires: this.now() + CACHE_TTL_MS });
    }
    return decision;
  }

  private async review(token: string): Promise<AccessDecision> {
    let user;
    try {
      const spec = this.audiences.length > 0 ? { token, audiences: [...this.audiences] } : { token };
      const review = await this.authn.createTokenReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec } });
      if (!review.status?.authenticated || !review.status.user?.username) {
        return { outcome: 'unauthenticated', reason: review.status?.error ?? 'token not authenticated' };
      }
      // The API server lists the audiences it found the token valid for; one of ours must be among them.
      if (this.audiences.length > 0 && !(review.status.audiences ?? []).some((a) => this.audiences.includes(a))) {
        return { outcome: 'unauthenticated', reason: `the token is not meant for ${this.audiences.join(' or ')}` };
      }
      user = review.status.user;
    } catch (error) {
      return { outcome: 'unavailable', reason: `TokenReview failed: ${(error as Error).message}` };
    }
    const username = user.username!;
    try {
      const access = await this.authz.createSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: {
            user: username,
            ...(user.uid ? { uid: user.uid } : {}),
            ...(user.groups ? { groups: user.groups } : {}),
            ...(user.extra ? { extra: user.extra } : {}),
            resourceAttributes: { ...AUDITOR_PERMISSION },
          },
        },
      });
      if (access.status?.allowed) return { outcome: 'allowed', user: username };
      return { outcome: 'forbidden', user: username, reason: access.status?.reason || `needs ${AUDITOR_PERMISSION.verb} on ${AUDITOR_PERMISSION.resource}.${AUDITOR_PERMISSION.group}` };
    } catch (error) {
      return { outcome: 'unavailable', reason: `SubjectAccessReview failed: ${(error as Error).message}` };
    }
  }
}
