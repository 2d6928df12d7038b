// The Kubernetes Event sink: one Warning Event per denied (optionally warned) object and rule, shared by every replica within a clock-aligned window, rate-limited by a token bucket.
import { hostname } from 'node:os';
import type { RiskEvent } from '../outputs/risk-event.js';
import type { RiskSink } from '../outputs/risk-sink.js';
import type { ApiFailure } from './kube-api-failure.js';
import { eventName, involvedObjectOf, eventNamespaceOf, isPodSubresource, kubeEventOf, objectUidOf, type KubeEvent } from './kube-event-body.js';
import { IGNORE_KUBE_EVENTS, type KubeEventObserver } from './kube-event-observer.js';
import { addToEvent, type UpsertOutcome } from './kube-event-upsert.js';
import type { KubeEventWriter, StoredEvent } from './kube-event-writer.js';
import { SILENT_LOG, type SinkLog } from './sink-log.js';
import { IGNORE_OBSERVER, type SinkObserver, type SinkStats } from './sink-observer.js';
import { TokenBucket } from './token-bucket.js';

/** The uid of the Pod behind an exec/attach (PodUidLookup: cached, with a deadline). */
export interface PodUids {
  uidOf(namespace: string, name: string): Promise<string | ApiFailure>;
}

export interface K8sEventSinkOptions {
  writer: KubeEventWriter;
  /** Without it, exec/attach Events go out without involvedObject.uid. */
  pods?: PodUids;
  /** Which actions get an Event: deny by default, `warn` too on request; `record` never (it is silent by design). */
  actions?: ReadonlyArray<'deny' | 'warn'>;
  /**
   * Occurrences of the same rule+object within this window update one Event's count. Windows are aligned to the clock
   * (multiples of windowMs since the epoch), so replicas and restarted processes agree on them.
   */
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
  events?: KubeEventObserver;
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
  /** Occurrences this process counted in the window. */
  count: number;
  /** Of those, how many the API server has been told (added to the Event's count). */
  written: number;
  /** The Event as last written or read; undefined until it exists (or after it vanished). */
  stored?: StoredEvent;
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
  private readonly events: KubeEventObserver;
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private closed = false;
  private rateLimited = 0;
  private lookupFailures = 0;

  constructor(private readonly options: K8sEventSinkOptions) {
    this.now = options.now ?? Date.now;
    this.actions = new Set(options.actions ?? ['deny']);
    this.bucket = new TokenBucket(options.burst ?? K8S_EVENT_DEFAULTS.burst, options.perSecond ?? K8S_EVENT_DEFAULTS.perSecond, this.now);
    this.log = options.log ?? SILENT_LOG;
    this.observer = options.observer ?? IGNORE_OBSERVER;
    this.events = options.events ?? IGNORE_KUBE_EVENTS;
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

  private get windowMs(): number {
    return this.options.windowMs ?? K8S_EVENT_DEFAULTS.windowMs;
  }

  /** Adds an occurrence; true when it starts a new Event. */
  private count(event: RiskEvent): boolean {
    const key = this.keyOf(event);
    const now = this.now();
    const existing = this.aggregates.get(key);
    if (existing && now - existing.windowStart < this.windowMs) {
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
    const windowStart = now - (now % this.windowMs);
    this.aggregates.set(key, {
      key,
      sample: event,
      namespace: eventNamespaceOf(object),
      name: eventName(object, key, windowStart),
      windowStart,
      first: new Date(now),
      last: new Date(now),
      count: 1,
      written: 0,
      failures: 0,
    });
    return true;
  }

  private retire(old: Aggregate): void {
    this.aggregates.delete(old.key);
    if (old.stored && old.count > old.written) {
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
    for (const aggregate of [...this.aggregates.values()]) {
      if (aggregate.count > aggregate.written) await this.writeOne(aggregate);
      if (this.now() - aggregate.windowStart >= this.windowMs && aggregate.count <= aggregate.written) this.aggregates.delete(aggregate.key);
    }
  }

  /** One token per write, whether it creates the Event or raises its count (re-reads on a 409 come with it). */
  private async writeOne(a: Aggregate): Promise<void> {
    if (!this.bucket.take()) {
      if (!a.stored) this.dropNew(a); // counts of existing Events wait for a token: coalesced, not lost
      return;
    }
    const count = a.count;
    const add = count - a.written;
    const target = { namespace: a.namespace, name: a.name, add, lastTimestamp: a.last.toISOString() };
    const outcome = a.stored ? await addToEvent(this.options.writer, { ...target, known: a.stored }) : await addToEvent(this.options.writer, { ...target, body: await this.newEvent(a, add) });
    this.settle(a, count, add, outcome);
  }

  private async newEvent(a: Aggregate, count: number): Promise<KubeEvent> {
    const uid = await this.involvedUid(a.sample);
    return kubeEventOf(a.sample, a.name, count, a.first, a.last, this.options.instance ?? hostname(), uid);
  }

  /** The reviewed object's uid from the request; for exec/attach the Pod's, looked up. A failed lookup leaves it out. */
  private async involvedUid(event: RiskEvent): Promise<string | undefined> {
    const known = objectUidOf(event);
    if (known || !isPodSubresource(event) || !this.options.pods) return known || undefined;
    const pod = involvedObjectOf(event);
    const result = await this.options.pods.uidOf(pod.namespace, pod.name);
    if (typeof result === 'string') return result;
    this.events.uidLookupFailed(result.failed);
    if (this.lookupFailures++ % 100 === 0) {
      this.log.warn({ sink: this.name, reason: result.failed, detail: result.detail, pod: `${pod.namespace}/${pod.name}`, failuresSoFar: this.lookupFailures }, "reading a Pod's uid failed: its Event is written without involvedObject.uid (kubectl get events lists it, kubectl describe pod does not)");
    }
    return undefined;
  }

  private settle(a: Aggregate, count: number, add: number, outcome: UpsertOutcome): void {
    if (outcome === 'missing') {
      a.stored = undefined; // the Event expired (events TTL) or was deleted: create it again, with all this process counted
      a.written = 0;
      return;
    }
    if ('stored' in outcome) {
      a.stored = outcome.stored;
      a.written = count;
      a.failures = 0;
      this.events.eventWritten(outcome.outcome);
      this.observer.delivered(this.name, add);
      return;
    }
    this.events.eventWritten('failed');
    this.observer.deliveryFailed(this.name, outcome.failed);
    if (++a.failures === 1) this.log.warn({ sink: this.name, reason: outcome.failed, detail: outcome.detail, event: a.name }, 'writing a Kubernetes Event failed');
    if (a.failures >= MAX_WRITE_FAILURES) {
      this.aggregates.delete(a.key);
      this.observer.dropped(this.name, 'write-failed', Math.max(0, a.count - a.written));
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
