// The server's life: starting → ready → draining; /readyz reads it, and responses carry `Connection: close` once draining.
export type LifecycleState = 'starting' | 'ready' | 'draining';

export interface Readiness {
  ready: boolean;
  /** Why not ready: `starting`, `draining`, or the names of failing readiness checks. */
  reasons: string[];
}

export class Lifecycle {
  private current: LifecycleState = 'starting';
  private readonly checks = new Map<string, () => boolean>();

  get state(): LifecycleState {
    return this.current;
  }

  get draining(): boolean {
    return this.current === 'draining';
  }

  markReady(): void {
    if (this.current === 'starting') this.current = 'ready';
  }

  startDraining(): void {
    this.current = 'draining';
  }

  /** A named condition that must hold for /readyz to succeed (e.g. a sink that cannot accept events). */
  addReadinessCheck(name: string, check: () => boolean): void {
    this.checks.set(name, check);
  }

  readiness(): Readiness {
    if (this.current !== 'ready') return { ready: false, reasons: [this.current] };
    const reasons = [...this.checks].filter(([, check]) => !safely(check)).map(([name]) => name);
    return { ready: reasons.length === 0, reasons };
  }
}

function safely(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}
