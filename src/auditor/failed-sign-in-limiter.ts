// Failed sign-ins per client address on the auditor port: past a burst, an address gets 429 before its token costs a TokenReview; the table is bounded.
/** Failures an address may make at once, and how fast that allowance comes back (one per refill interval). */
export interface SignInLimits {
  burst: number;
  refillMs: number;
  /** Addresses remembered at most; the one least recently failing is forgotten first. */
  maxAddresses: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { burst: 10, refillMs: 6_000, maxAddresses: 4096 };

interface Bucket {
  failures: number;
  at: number;
}

export class FailedSignInLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.buckets.size;
  }

  /** Failures still counted against `address` now (they drain one per refill interval). */
  private current(address: string, now: number): number {
    const bucket = this.buckets.get(address);
    if (!bucket) return 0;
    const left = bucket.failures - Math.floor((now - bucket.at) / this.limits.refillMs);
    if (left <= 0) {
      this.buckets.delete(address);
      return 0;
    }
    return left;
  }

  /** Seconds until `address` may try a token again, or 0 when it may now. */
  retryAfter(address: string): number {
    const now = this.now();
    const left = this.current(address, now);
    if (left < this.limits.burst) return 0;
    const bucket = this.buckets.get(address)!;
    const elapsed = (now - bucket.at) % this.limits.refillMs;
    return Math.max(1, Math.ceil((this.limits.refillMs - elapsed) / 1000));
  }

  /** Counts one failed sign-in (a token that was not valid, or not allowed) from `address`. */
  fail(address: string): void {
    const now = this.now();
    const failures = this.current(address, now) + 1;
    this.buckets.delete(address);
    if (this.buckets.size >= this.limits.maxAddresses) this.buckets.delete(this.buckets.keys().next().value!);
    this.buckets.set(address, { failures: Math.min(failures, this.limits.burst), at: now });
  }
}
