// Calls back at every end of an exemption block of the policy in force, re-armed when the policy changes (timers cap at ~24 days).
import { nextExpiry } from '../engine/policy-expiry.js';
import type { Policy } from '../engine/policy.js';

/** setTimeout fires at once beyond 2^31-1 ms: a longer wait is taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class ExpiryTimer {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly policy: () => Policy,
    private readonly onExpiry: (ended: Date) => void,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Arms the timer for the next end after now (call again after a policy change). */
  arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped) return;
    const next = nextExpiry(this.policy(), this.clock());
    if (next === undefined) return;
    const wait = Math.min(Math.max(0, next.getTime() - this.clock().getTime()), MAX_TIMER_MS);
    this.timer = setTimeout(() => {
      if (this.clock().getTime() >= next.getTime()) this.onExpiry(next);
      this.arm();
    }, wait);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
