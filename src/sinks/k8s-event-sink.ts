// The Kubernetes Event sink: one Warning Event per denied (optionally warned) object, aggregated per rule+object within a window and rate-limited by a token bucket.
import { hostname } from 'node:os';
import type { RiskEvent } from '../outputs/risk-event.js';
import type { RiskSink } from '../outputs/risk-sink.js';
import { eventName, involvedObjectOf, eventNamespaceOf, kubeEventOf } from './kube-event-body.js';
import type { KubeEventWriter, WriteOutcome } from './kube-event-writer.js';
import { SILENT_LOG, type SinkLog } from './sink-log.js';
import { IGNORE_OBSERVER, type SinkObserver, type SinkStats } from './sink-observer.js';
import { TokenBucket } from './token-bucket.js';

export interface K8sEventSinkOptions {
  writer: KubeEventWriter;
  /** Which actions get an Event: deny by default, `warn` too on request; `record` never (it is silent by design). */
  actions?: ReadonlyArray<'deny' | 'warn'>;
  /** Occurrences of the same rule+object within this window update one Event's count. */
  windowMs?: number;
  /** How often aggregated counts are written (one PATCH per Event per flush at most). */
  flushMs?: number;
  /** API writes allowed at once, and refilled per second. */
  burst?: number;
  perSecond?: number;
  /** Distinct rule+object keys held at once; past it new keys are dropped (counted). */
  maxKeys?: number;
  instance?: string;
  now?: () => number;
  log?: SinkLog;
  observer?: SinkObserver;
}

export const K8S_EVENT_DEFAULTS = { windowMs: 10 * 60_000, flushMs: 10_000, burst: 25, perSecond: 0.2, maxKeys: 1000 } as const;

interface Aggregate {
  key: string;
  sample: RiskEvent;
  namespace: string;
  name: string;
  windowStart: number;
  first: Date;
  last: Date;
  count: number;
  /** The count the API server has; -1 before the Event exists. */
  written: number;
  failures: number;
}

const MAX_WRITE_FAILURES = 3;

export class K8sEventSink implements RiskSink {
  readonly name = 'k8s-events';
  private readonly aggregates = new Map<string, Aggregate>();
  private readonly bucket: TokenBucket;
  private readonly actions: ReadonlySet<string>;
  private readonly now: () => number;
  private readonly log: SinkLog;
  private readonly observer: SinkObserver;
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private closed = false;
  private rateLimited = 0;

  constructor(private readonly options: K8sEventSinkOptions) {
    this.now = options.now ?? Date.now;
    this.actions = new Set(options.actions ?? ['deny']);
    this.bucket = new TokenBucket(options.burst ?? K8S_EVENT_DEFAULTS.burst, options.perSecond ?? K8S_EVENT_DEFAULTS.perSecond, this.now);
    this.log = options.log ?? SILENT_LOG;
    this.observer = options.observer ?? IGNORE_OBSERVER;
    this.timer = setInterval(() => void this.flush(), options.flushMs ?? K8S_EVENT_DEFAULTS.flushMs);
    this.timer.unref();
  }

  /** Counts occurrences in memory and schedules the API writes: never waits on the network. */
  write(events: readonly RiskEvent[]): void {
    if (this.closed) return;
    let fresh = false;
    for (const event of this.occurrences(events)) fresh = this.count(event) || fresh;
    if (fresh) this.scheduleFlush(); // a new Event goes out at once (token permitting); counts wait for the timer
  }

  stats(): SinkStats {
    let waiting = 0;
    for (const a of this.aggregates.values()) if (a.count > a.written) waiting++;
    return { sink: this.name, queueDepth: waiting };
  }

  /** Waits for writes under way and one last flush of pending counts (tokens permitting). */
  async flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    this.closed = true;
  }

  /** One occurrence per denied request and rule (a finding yields one risk event per risk object). */
  private occurrences(events: readonly RiskEvent[]): RiskEvent[] {
    const seen = new Set<string>();
    return events.filter((e) => {
      if (!this.actions.has(e.action) || e.source !== 'admission') return false;
      const id = `${e.rule_id}\u0000${String(e.fields['uid'])}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
  }

  private keyOf(event: RiskEvent): string {
    const o = involvedObjectOf(event);
    return [event.rule_id, event.action, o.kind, o.namespace, o.name].join('\u0000');
  }

  /** Adds an occurrence; true when it starts a new Event. */
  private count(event: RiskEvent): boolean {
    const key = this.keyOf(event);
    const now = this.now();
    const existing = this.aggregates.get(key);
    if (existing && now - existing.windowStart < (this.options.windowMs ?? K8S_EVENT_DEFAULTS.windowMs)) {
      existing.count++;
      existing.last = new Date(now);
      return false;
    }
    if (!existing && this.aggregates.size >= (this.options.maxKeys ?? K8S_EVENT_DEFAULTS.maxKeys)) {
      this.observer.dropped(this.name, 'aggregation-full', 1);
      return false;
    }
    if (existing) this.retire(existing); // the window ended: its last count is written, a new Event starts
    const object = involvedObjectOf(event);
    this.aggregates.set(key, {
      key,
      sample: event,
      namespace: eventNamespaceOf(object),
      name: eventName(object, key, now),
      windowStart: now,
      first: new Date(now),
      last: new Date(now),
      count: 1,
      written: -1,
      failures: 0,
    });
    return true;
  }

  private retire(old: Aggregate): void {
    this.aggregates.delete(old.key);
    if (old.written >= 0 && old.count > old.written) {
      void this.enqueue(() => this.writeOne(old)); // the final count of the closed window
    }
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.flushing = this.flushing.then(task);
    return this.flushing;
  }

  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      void this.flush();
    });
  }

  private async writePending(): Promise<void> {
    const windowMs = this.options.windowMs ?? K8S_EVENT_DEFAULTS.windowMs;
    for (const aggregate of [...this.aggregates.values()]) {
      if (aggregate.count > aggregate.written) await this.writeOne(aggregate);
      if (this.now() - aggregate.windowStart >= windowMs && aggregate.count <= aggregate.written) this.aggregates.delete(aggregate.key);
    }
  }

  private async writeOne(a: Aggregate): Promise<void> {
    if (!this.bucket.take()) {
      if (a.written < 0) this.dropNew(a); // counts of existing Events wait for a token: coalesced, not lost
      return;
    }
    const count = a.count;
    const outcome = a.written < 0 ? await this.create(a, count) : await this.options.writer.patchCount(a.namespace, a.name, count, a.last.toISOString());
    this.settle(a, count, outcome);
  }

  private create(a: Aggregate, count: number): Promise<WriteOutcome> {
    return this.options.writer.create(kubeEventOf(a.sample, a.name, count, a.first, a.last, this.options.instance ?? hostname()));
  }

  private settle(a: Aggregate, count: number, outcome: WriteOutcome): void {
    if (outcome === 'ok' || outcome === 'exists') {
      a.written = count;
      a.failures = 0;
      return;
    }
    if (outcome === 'missing') {
      a.written = -1; // the Event expired (events TTL) or was deleted: create it again next time
      return;
    }
    this.observer.deliveryFailed(this.name, outcome.failed);
    if (++a.failures === 1) this.log.warn({ sink: this.name, reason: outcome.failed, detail: outcome.detail, event: a.name }, 'writing a Kubernetes Event failed');
    if (a.failures >= MAX_WRITE_FAILURES) {
      this.aggregates.delete(a.key);
      this.observer.dropped(this.name, 'write-failed', Math.max(0, a.count - Math.max(0, a.written)));
    }
  }

  private dropNew(a: Aggregate): void {
    this.aggregates.delete(a.key);
    this.observer.dropped(this.name, 'rate-limited', a.count);
    if (this.rateLimited++ % 100 === 0) {
      this.log.warn({ sink: this.name, droppedSoFar: this.rateLimited, event: a.name }, 'Kubernetes Event rate limit reached: new Events are dropped (risk events still go to the other sinks)');
    }
  }
}
