// The interface every risk-event destination implements (log, HEC with spool, Kubernetes Events), plus an in-memory double.
import type { RiskEvent } from './risk-event.js';

export interface RiskSink {
  readonly name: string;
  /**
   * Hands events to the sink. Called on the admission path: it must not wait on the network (a durable sink appends
   * to its local spool and returns). It may throw a RiskgateError when it cannot accept them (e.g. disk full).
   */
  write(events: readonly RiskEvent[]): void;
  /**
   * Optional, for sinks that store JSON (log line, spool line): `write` with each event's JSON text already made
   * (`JSON.stringify(event)`). FanOutSink serializes each event once and hands the same text to every such sink.
   */
  writeJson?(events: readonly RiskEvent[], json: readonly string[]): void;
  /** Flushes what can be flushed and releases resources; called once on shutdown. */
  close(): Promise<void>;
}

/** Keeps events in memory: the test double, and the source of the auditor view's recent events. */
export class MemorySink implements RiskSink {
  readonly name = 'memory';
  readonly events: RiskEvent[] = [];

  constructor(private readonly capacity = Number.POSITIVE_INFINITY) {}

  write(events: readonly RiskEvent[]): void {
    this.events.push(...events);
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
  }

  async close(): Promise<void> {}
}

/** What a FanOutSink reports about its sinks (the webhook logs it: see SinkRefusalLog). */
export interface FanOutObserver {
  /** `sink` threw instead of taking `count` events: they are lost for that sink. */
  refused(sink: RiskSink, error: unknown, count: number): void;
  /** `sink` took a write (so a sink that refused before works again). */
  accepted(sink: RiskSink): void;
}

/** Fans events out to several sinks; one failing sink does not keep the others from receiving them. */
export class FanOutSink implements RiskSink {
  readonly name = 'fan-out';

  constructor(
    private readonly sinks: readonly RiskSink[],
    private readonly observer: FanOutObserver,
  ) {}

  write(events: readonly RiskEvent[]): void {
    let json: string[] | undefined;
    for (const sink of this.sinks) {
      try {
        if (sink.writeJson) sink.writeJson(events, (json ??= events.map((event) => JSON.stringify(event))));
        else sink.write(events);
      } catch (error) {
        this.observer.refused(sink, error, events.length);
        continue;
      }
      this.observer.accepted(sink);
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.sinks.map((s) => s.close()));
  }
}
