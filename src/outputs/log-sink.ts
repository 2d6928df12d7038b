// Risk-event sink that writes each event as one JSON line on the log's destination, stdout (the Splunk OTel collector tails it).
import type { DestinationStream } from 'pino';
import type { RiskEvent } from './risk-event.js';
import type { RiskSink } from './risk-sink.js';

/** The `msg` of every risk-event line, so a log pipeline can route them (e.g. `msg == "riskgate.risk_event"`). */
export const RISK_EVENT_MESSAGE = 'riskgate.risk_event';

const LINE_START = '{"level":"info",';
const LINE_END = `,"msg":${JSON.stringify(RISK_EVENT_MESSAGE)}}\n`;

/**
 * The line of one event, from its JSON text: a pino info line (`level` first, `msg` last) whose fields are the event's,
 * with the event's own `time` as the line's time. Written straight to the shared destination, not through a logger: the
 * operator's --log-level never silences risk events, and the text the spool stores is not made a second time.
 */
export function riskEventLine(json: string): string {
  return json === '{}' ? `{"level":"info"${LINE_END}` : `${LINE_START}${json.slice(1, -1)}${LINE_END}`;
}

export class LogSink implements RiskSink {
  readonly name = 'log';

  constructor(private readonly destination: DestinationStream) {}

  write(events: readonly RiskEvent[]): void {
    this.writeJson(events, events.map((event) => JSON.stringify(event)));
  }

  /** One write for the batch: the lines of a review's events stay together. */
  writeJson(_events: readonly RiskEvent[], json: readonly string[]): void {
    if (json.length === 0) return;
    this.destination.write(json.length === 1 ? riskEventLine(json[0]!) : json.map(riskEventLine).join(''));
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
