// The local event store: a RiskSink that only appends to the spool (used when no HEC is configured; segments go straight to the archive).
import type { RiskEvent } from '../outputs/risk-event.js';
import type { RiskSink } from '../outputs/risk-sink.js';
import type { SinkStats } from './sink-observer.js';
import { EventSpool, type SpoolOptions } from './spool.js';

export class SpoolSink implements RiskSink {
  readonly name: string;
  readonly spool: EventSpool;

  constructor(options: Omit<SpoolOptions, 'consumer'>) {
    this.name = options.sinkName;
    this.spool = new EventSpool({ ...options, consumer: false });
  }

  write(events: readonly RiskEvent[]): void {
    this.spool.append(events);
  }

  writeJson(_events: readonly RiskEvent[], json: readonly string[]): void {
    this.spool.appendJson(json);
  }

  stats(): SinkStats {
    return { sink: this.name, queueDepth: 0, spoolBytes: this.spool.pendingBytes, archiveBytes: this.spool.archiveBytes };
  }

  close(): Promise<void> {
    return this.spool.close();
  }
}
