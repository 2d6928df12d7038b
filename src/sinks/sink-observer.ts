// What sinks report as they work (drops, delivery failures, deliveries), so metrics can count it without sinks importing prom-client.
export type DropReason = 'spool-full' | 'corrupt' | 'rate-limited' | 'aggregation-full' | 'write-failed';

export interface SinkObserver {
  /** `count` events were lost for good (the spool dropped its oldest, the Event sink was rate limited…). */
  dropped(sink: string, reason: DropReason, count: number): void;
  /** One delivery attempt failed (it will be retried). `reason` is short and bounded: `http-503`, `timeout`, `tls`… */
  deliveryFailed(sink: string, reason: string): void;
  /** `count` events reached their destination (acknowledged by the indexer when ack is on). */
  delivered(sink: string, count: number): void;
}

/** The state a sink exposes to gauges: events waiting, bytes on disk. */
export interface SinkStats {
  sink: string;
  queueDepth: number;
  spoolBytes?: number;
  archiveBytes?: number;
}

export const IGNORE_OBSERVER: SinkObserver = {
  dropped: () => {},
  deliveryFailed: () => {},
  delivered: () => {},
};
