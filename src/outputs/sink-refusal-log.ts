// Logs risk sinks refusing events (disk full, spool closed…) without flooding: the first refusal at once, a summary per interval while it lasts, the recovery.
import type { FanOutObserver, RiskSink } from './risk-sink.js';

/** The logger calls it makes (pino's Logger fits). */
export interface RefusalLogger {
  error(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

export const REFUSAL_SUMMARY_INTERVAL_MS = 10_000;

interface Outage {
  since: number;
  lastLineAt: number;
  /** Events refused in total, and since the last line. */
  refused: number;
  unlogged: number;
}

function reasonOf(error: unknown): { code?: unknown; message: string } {
  return error instanceof Error ? { code: (error as { code?: unknown }).code, message: error.message } : { message: String(error) };
}

/**
 * A sink refusing every review's events would otherwise log one error per review: thousands of lines a second, written
 * to the same full disk. One line when it starts, one per interval with the count, one when it ends.
 */
export class SinkRefusalLog implements FanOutObserver {
  private readonly outages = new Map<string, Outage>();

  constructor(
    private readonly log: RefusalLogger,
    private readonly intervalMs = REFUSAL_SUMMARY_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  refused(sink: RiskSink, error: unknown, count: number): void {
    const now = this.now();
    let outage = this.outages.get(sink.name);
    if (!outage) this.outages.set(sink.name, (outage = { since: now, lastLineAt: Number.NEGATIVE_INFINITY, refused: 0, unlogged: 0 }));
    outage.refused += count;
    outage.unlogged += count;
    if (now - outage.lastLineAt < this.intervalMs) return;
    this.log.error(
      { sink: sink.name, error: reasonOf(error), refusedEvents: outage.unlogged, refusingForMs: now - outage.since },
      'risk sink refused events',
    );
    outage.lastLineAt = now;
    outage.unlogged = 0;
  }

  accepted(sink: RiskSink): void {
    const outage = this.outages.get(sink.name);
    if (!outage) return;
    this.outages.delete(sink.name);
    this.log.info({ sink: sink.name, refusedEvents: outage.refused, outageMs: this.now() - outage.since }, 'risk sink accepts events again');
  }
}
