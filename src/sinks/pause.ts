// Waiting that shutdown can cut short: timed pauses (backoff) and idle waits that an append ends early.
export class Pause {
  private readonly timed = new Set<() => void>();
  private readonly idle = new Set<() => void>();
  private stopped = false;
  /** A wake() that found no waiter (it came while the loop was busy): the next idle wait returns at once. */
  private woken = false;

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Resolves after `ms`, or at once when stopped (appends do not shorten it: it is the backoff). */
  for(ms: number): Promise<void> {
    return this.wait(ms, this.timed);
  }

  /** Resolves at the next wake() or stop, or after `ms` at the latest. */
  untilWoken(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return this.wait(ms, this.idle);
  }

  wake(): void {
    if (this.idle.size === 0) this.woken = true;
    for (const done of [...this.idle]) done();
  }

  stop(): void {
    this.stopped = true;
    for (const done of [...this.idle, ...this.timed]) done();
  }

  private wait(ms: number, set: Set<() => void>): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }
}
