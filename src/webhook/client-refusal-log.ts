// Logs refused callers of the admission port at WARN without letting a flood of them flood the log: one line per window, with the count.
import type { Logger } from 'pino';
import type { ClientRefusal } from './client-auth.js';

/** At most one WARN line per this many milliseconds; the refusals in between are counted in the next line. */
export const REFUSAL_LOG_WINDOW_MS = 10_000;

export class ClientRefusalLog {
  private windowStart = -Infinity;
  private unlogged = 0;

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = () => performance.now(),
    private readonly windowMs = REFUSAL_LOG_WINDOW_MS,
  ) {}

  record(refusal: ClientRefusal): void {
    // A client that drops its connection mid-handshake (probes, port scans) is not a refused caller worth a WARN.
    if (refusal.reason === 'handshake_failed') {
      this.logger.debug({ peer: refusal.peer, reason: refusal.detail }, 'TLS handshake failed');
      return;
    }
    const now = this.now();
    if (now - this.windowStart < this.windowMs) {
      this.unlogged += 1;
      return;
    }
    const suppressed = this.unlogged;
    this.windowStart = now;
    this.unlogged = 0;
    this.logger.warn({ peer: refusal.peer, reason: refusal.reason, detail: refusal.detail, suppressedSinceLastLine: suppressed }, 'admission caller refused');
  }
}
