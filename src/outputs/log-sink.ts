// Risk-event sink that writes each event as one JSON line through pino to stdout (the Splunk OTel collector tails it).
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import type { RiskEvent } from './risk-event.js';
import type { RiskSink } from './risk-sink.js';

/** The `msg` of every risk-event line, so a log pipeline can route them (e.g. `msg == "riskgate.risk_event"`). */
export const RISK_EVENT_MESSAGE = 'riskgate.risk_event';

/**
 * Its own pino instance at level info on the shared destination: the operator's --log-level never silences risk events,
 * and the event's own `time` is the line's time (pino adds none).
 */
export class LogSink implements RiskSink {
  readonly name = 'log';
  private readonly out: Logger;

  constructor(private readonly destination: DestinationStream) {
    this.out = pino({ level: 'info', base: null, timestamp: false, formatters: { level: (label) => ({ level: label }) } }, destination);
  }

  write(events: readonly RiskEvent[]): void {
    for (const event of events) this.out.info(event, RISK_EVENT_MESSAGE);
  }

  async close(): Promise<void> {
    const flush = (this.destination as { flushSync?: () => void }).flushSync;
    if (typeof flush === 'function') {
      try {
        flush.call(this.destination);
      } catch {
        // sonic-boom throws when nothing is open yet; there is then nothing to flush.
      }
    }
  }
}
