// The Splunk HEC sink: write() appends to the durable spool and returns; a background loop delivers batches to HEC at least once.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RiskEvent } from '../outputs/risk-event.js';
import type { RiskSink } from '../outputs/risk-sink.js';
import { HecClient } from './hec-client.js';
import { HecDelivery } from './hec-delivery.js';
import { hecEndpoint } from './hec-endpoint.js';
import { HEC_SOURCETYPE } from './hec-event.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from './retry-backoff.js';
import { SILENT_LOG, type SinkLog } from './sink-log.js';
import { IGNORE_OBSERVER, type SinkObserver, type SinkStats } from './sink-observer.js';
import { DEFAULT_ARCHIVE_MAX_BYTES, DEFAULT_FSYNC_INTERVAL_MS, DEFAULT_SPOOL_MAX_BYTES, EventSpool } from './spool.js';
import type { SpoolWhenFull } from './spool.js';

export interface HecSinkOptions {
  /** https://splunk:8088 or the full …/services/collector/event URL. */
  url: string;
  token: string;
  dataDir: string;
  index?: string;
  source?: string;
  sourcetype?: string;
  host?: string;
  ack?: boolean;
  /** PEM of extra CAs to trust (--hec-ca-file); TLS verification stays on. */
  ca?: string;
  spoolMaxBytes?: number;
  /** What the spool does at its cap (default refuse). */
  spoolWhenFull?: SpoolWhenFull;
  archiveMaxBytes?: number;
  fsyncIntervalMs?: number;
  maxBatchEvents?: number;
  maxBatchBytes?: number;
  lingerMs?: number;
  requestTimeoutMs?: number;
  ackPollMs?: number;
  ackTimeoutMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** How long close() keeps delivering before it leaves the rest in the spool for the next start. */
  closeDrainMs?: number;
  log?: SinkLog;
  observer?: SinkObserver;
}

export const HEC_DEFAULTS = {
  source: 'riskgate',
  maxBatchEvents: 500,
  maxBatchBytes: 1024 * 1024,
  lingerMs: 100,
  requestTimeoutMs: 10_000,
  ackPollMs: 1_000,
  ackTimeoutMs: 120_000,
  closeDrainMs: 5_000,
} as const;

export class HecSink implements RiskSink {
  readonly name = 'hec';
  readonly spool: EventSpool;
  private readonly delivery: HecDelivery;
  private readonly closeDrainMs: number;

  constructor(options: HecSinkOptions) {
    const log = options.log ?? SILENT_LOG;
    const observer = options.observer ?? IGNORE_OBSERVER;
    this.closeDrainMs = options.closeDrainMs ?? HEC_DEFAULTS.closeDrainMs;
    const endpoint = hecEndpoint(options.url);
    this.spool = new EventSpool({
      dataDir: options.dataDir,
      maxBytes: options.spoolMaxBytes ?? DEFAULT_SPOOL_MAX_BYTES,
      ...(options.spoolWhenFull ? { whenFull: options.spoolWhenFull } : {}),
      archiveMaxBytes: options.archiveMaxBytes ?? DEFAULT_ARCHIVE_MAX_BYTES,
      fsyncIntervalMs: options.fsyncIntervalMs ?? DEFAULT_FSYNC_INTERVAL_MS,
      consumer: true,
      sinkName: this.name,
      log,
      observer,
    });
    const clientOptions = { endpoint, token: options.token, channel: randomUUID(), requestTimeoutMs: options.requestTimeoutMs ?? HEC_DEFAULTS.requestTimeoutMs };
    const client = new HecClient(options.ca ? { ...clientOptions, ca: options.ca } : clientOptions);
    const meta = { host: options.host ?? hostname(), source: options.source ?? HEC_DEFAULTS.source, sourcetype: options.sourcetype ?? HEC_SOURCETYPE };
    this.delivery = new HecDelivery(
      this.spool,
      client,
      {
        meta: options.index ? { ...meta, index: options.index } : meta,
        maxBatchEvents: options.maxBatchEvents ?? HEC_DEFAULTS.maxBatchEvents,
        maxBatchBytes: options.maxBatchBytes ?? HEC_DEFAULTS.maxBatchBytes,
        lingerMs: options.lingerMs ?? HEC_DEFAULTS.lingerMs,
        ack: options.ack ?? false,
        ackPollMs: options.ackPollMs ?? HEC_DEFAULTS.ackPollMs,
        ackTimeoutMs: options.ackTimeoutMs ?? HEC_DEFAULTS.ackTimeoutMs,
        backoff: { ...DEFAULT_BACKOFF, random: Math.random, ...options.backoff },
      },
      this.name,
      log,
      observer,
    );
    this.delivery.start();
  }

  /** Appends to the spool and returns: never waits on the network. Throws RiskgateError `spool-write-failed` on a disk error. */
  write(events: readonly RiskEvent[]): void {
    this.spool.append(events);
  }

  writeJson(_events: readonly RiskEvent[], json: readonly string[]): void {
    this.spool.appendJson(json);
  }

  stats(): SinkStats {
    return { sink: this.name, queueDepth: this.spool.pendingEvents, spoolBytes: this.spool.pendingBytes, archiveBytes: this.spool.archiveBytes };
  }

  async close(): Promise<void> {
    await this.delivery.stop(this.closeDrainMs);
    await this.spool.close();
  }
}
