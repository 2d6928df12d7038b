// The HEC delivery loop: reads batches from the spool checkpoint, POSTs them, waits for indexer acks, retries with backoff, then commits.
import type { RiskEvent } from '../outputs/risk-event.js';
import type { HecClient } from './hec-client.js';
import { hecBatchBody, type HecMetadata } from './hec-event.js';
import type { HecFailure } from './hec-response.js';
import { Pause } from './pause.js';
import { retryDelay, type BackoffOptions } from './retry-backoff.js';
import type { SinkLog } from './sink-log.js';
import type { SinkObserver } from './sink-observer.js';
import type { EventSpool } from './spool.js';

export interface HecDeliveryOptions {
  meta: HecMetadata;
  maxBatchEvents: number;
  maxBatchBytes: number;
  /** After an idle spool receives events, wait this long so they leave in one batch. */
  lingerMs: number;
  ack: boolean;
  ackPollMs: number;
  /** No ack within this time: the batch is sent again (duplicates are removed by event_id). */
  ackTimeoutMs: number;
  backoff: BackoffOptions;
}

const IDLE_CHECK_MS = 5_000;
const LOG_EVERY_N_FAILURES = 10;

export class HecDelivery {
  private readonly pause = new Pause();
  private running: Promise<void> | undefined;
  private failures = 0;
  private failingSince: number | undefined;
  private warnedNoAckId = false;

  constructor(
    private readonly spool: EventSpool,
    private readonly client: HecClient,
    private readonly options: HecDeliveryOptions,
    private readonly sinkName: string,
    private readonly log: SinkLog,
    private readonly observer: SinkObserver,
  ) {
    spool.onAppend(() => this.pause.wake());
  }

  start(): void {
    this.running ??= this.loop().catch((error: unknown) => {
      this.log.error({ err: (error as Error).message, sink: this.sinkName }, 'HEC delivery stopped on an unexpected error; undelivered events stay in the spool');
    });
  }

  /** Waits up to `drainMs` for the spool to empty, then stops (events still in the spool are delivered after the next start). */
  async stop(drainMs: number): Promise<void> {
    const deadline = Date.now() + drainMs;
    while (this.running && this.spool.pendingEvents > 0 && this.failures === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.pause.stop();
    this.client.close();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.pause.isStopped) {
      const batch = await this.spool.read(this.spool.position, this.options.maxBatchEvents, this.options.maxBatchBytes);
      if (batch.events.length === 0) {
        await this.pause.untilWoken(IDLE_CHECK_MS);
        if (this.options.lingerMs > 0) await this.pause.for(this.options.lingerMs);
        continue;
      }
      if (!(await this.deliver(batch.events))) return;
      await this.spool.commit(batch.end);
      this.observer.delivered(this.sinkName, batch.events.length);
    }
  }

  /** Sends one batch until it is accepted (and acknowledged); false when stopped first. */
  private async deliver(events: RiskEvent[]): Promise<boolean> {
    const body = hecBatchBody(events, this.options.meta);
    for (let attempt = 1; !this.pause.isStopped; attempt++) {
      const failure = await this.attempt(body);
      if (!failure) {
        this.recovered(events.length);
        return true;
      }
      if (this.pause.isStopped) return false;
      this.failed(failure);
      await this.pause.for(retryDelay(attempt, failure.retryAfterMs, this.options.backoff));
    }
    return false;
  }

  private async attempt(body: string): Promise<HecFailure | undefined> {
    const result = await this.client.sendEvents(body);
    if (!result.ok) return result;
    if (!this.options.ack) return undefined;
    if (result.ackId === undefined) {
      if (!this.warnedNoAckId) this.log.warn({ sink: this.sinkName }, 'HEC answered without an ackId: indexer acknowledgement is not enabled on this token; delivery continues without it');
      this.warnedNoAckId = true;
      return undefined;
    }
    return this.awaitAck(result.ackId);
  }

  private async awaitAck(ackId: number): Promise<HecFailure | undefined> {
    const deadline = Date.now() + this.options.ackTimeoutMs;
    while (Date.now() < deadline && !this.pause.isStopped) {
      await this.pause.for(this.options.ackPollMs);
      if (this.pause.isStopped) break;
      const answer = await this.client.queryAck(ackId);
      if (answer.ok && answer.acked) return undefined;
      if (!answer.ok) this.failed(answer);
    }
    return { ok: false, reason: 'ack-timeout', detail: `ackId ${ackId} not acknowledged within ${this.options.ackTimeoutMs} ms; sending the batch again` };
  }

  private failed(failure: HecFailure): void {
    this.failures++;
    this.failingSince ??= Date.now();
    this.observer.deliveryFailed(this.sinkName, failure.reason);
    if (this.failures === 1 || this.failures % LOG_EVERY_N_FAILURES === 0) {
      this.log.warn(
        { sink: this.sinkName, reason: failure.reason, detail: failure.detail, failures: this.failures, pendingEvents: this.spool.pendingEvents },
        'HEC delivery failing; risk events stay in the spool and are retried',
      );
    }
  }

  private recovered(count: number): void {
    if (this.failures > 0) {
      this.log.info(
        { sink: this.sinkName, failures: this.failures, outageMs: Date.now() - (this.failingSince ?? Date.now()), delivered: count },
        'HEC delivery recovered',
      );
    }
    this.failures = 0;
    this.failingSince = undefined;
  }
}
