// Leader election over a coordination.k8s.io Lease (pure): who holds it, whether it expired as this replica observed it, and the spec to write.

/** The part of a Lease's spec the election reads and writes (times are MicroTime texts). */
export interface LeaseSpec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number;
  acquireTime?: string | null;
  renewTime?: string | null;
  leaseTransitions?: number;
}

/** What this replica saw of the Lease last, and when (its own clock: other replicas' clocks are never compared). */
export interface Observation {
  holder: string;
  renewTime: string;
  resourceVersion: string;
  /** Local time (ms) the record was last seen to change. */
  seenAt: number;
}

export type LeaseStep =
  /** Someone else holds a lease that has not expired: wait. */
  | { kind: 'wait'; holder: string }
  /** Write this spec (under the resourceVersion read): renew our own lease, or take over a free or expired one. */
  | { kind: 'write'; spec: LeaseSpec; takeover: boolean };

/** `2026-03-02T10:00:00.123000Z`: the API server's MicroTime wants six fractional digits. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The observation after reading the Lease at `now`: unchanged record keeps the time it was first seen. */
export function observe(previous: Observation | undefined, spec: LeaseSpec, resourceVersion: string, now: number): Observation {
  const holder = spec.holderIdentity ?? '';
  const renewTime = spec.renewTime ?? '';
  if (previous && previous.holder === holder && previous.renewTime === renewTime) return { ...previous, resourceVersion };
  return { holder, renewTime, resourceVersion, seenAt: now };
}

/**
 * The next step for `identity`: renew its own lease; take over one with no holder, or one whose record has not changed
 * for its whole duration (as this replica's clock measures since it saw the change); else wait.
 */
export function nextStep(spec: LeaseSpec, seen: Observation, identity: string, now: Date, durationSeconds: number): LeaseStep {
  const holder = spec.holderIdentity ?? '';
  const duration = spec.leaseDurationSeconds ?? durationSeconds;
  const expired = now.getTime() - seen.seenAt >= duration * 1000;
  if (holder !== '' && holder !== identity && !expired) return { kind: 'wait', holder };
  const mine = holder === identity;
  return {
    kind: 'write',
    takeover: !mine,
    spec: {
      holderIdentity: identity,
      leaseDurationSeconds: durationSeconds,
      acquireTime: mine && spec.acquireTime ? spec.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
    },
  };
}

/** The spec that hands the lease back on shutdown: no holder, so another replica takes it on its next try. */
export function releasedSpec(spec: LeaseSpec, now: Date): LeaseSpec {
  return { ...spec, holderIdentity: null, acquireTime: null, renewTime: microTime(now), leaseDurationSeconds: 1 };
}
