// Leader election among the replicas: a coordination.k8s.io Lease read, then created, renewed or taken over under its resourceVersion, on a short loop.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { isJsonObject } from '../request/json-value.js';
import { refusal, unreachable } from './api-refusal.js';
import type { KubeCaller } from './kube-api.js';
import { microTime, nextStep, observe, releasedSpec, type LeaseSpec, type Observation } from './lease-record.js';

export interface LeaderLeaseOptions {
  api: KubeCaller;
  namespace: string;
  name: string;
  /** Default: <hostname>-<random>, unique per process (the pod name in a cluster). */
  identity?: string;
  /** How long a lease lasts without renewal before another replica may take it (default 15 s). */
  durationSeconds: number;
  log: Logger;
  onStartedLeading(): void;
  onStoppedLeading(): void;
  now?: () => Date;
}

interface LeaseObject {
  metadata: { resourceVersion: string };
  spec: LeaseSpec;
}

function leaseObject(body: unknown): LeaseObject | undefined {
  if (!isJsonObject(body) || !isJsonObject(body['metadata'])) return undefined;
  const resourceVersion = body['metadata']['resourceVersion'];
  const spec = isJsonObject(body['spec']) ? (body['spec'] as LeaseSpec) : {};
  return typeof resourceVersion === 'string' ? { metadata: { resourceVersion }, spec } : undefined;
}

export function defaultIdentity(): string {
  return `${hostname()}-${randomUUID().slice(0, 8)}`;
}

/**
 * The usual timings of client-go's leader election, scaled to the lease: try every duration/7.5 (2 s of 15), and
 * step down when renewals failed for 2/3 of it (10 s of 15), before any other replica may take over.
 */
export class LeaderLease {
  readonly identity: string;
  private seen: Observation | undefined;
  private leading = false;
  private lastRenewal = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private tick: Promise<void> = Promise.resolve();
  private readonly now: () => Date;
  private readonly path: string;

  constructor(private readonly options: LeaderLeaseOptions) {
    this.identity = options.identity ?? defaultIdentity();
    this.now = options.now ?? (() => new Date());
    this.path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(options.namespace)}/leases`;
  }

  isLeader(): boolean {
    return this.leading;
  }

  get retryMs(): number {
    return Math.max(100, (this.options.durationSeconds * 1000) / 7.5);
  }

  private get renewDeadlineMs(): number {
    return (this.options.durationSeconds * 1000 * 2) / 3;
  }

  start(): void {
    const loop = () => {
      if (this.stopped) return;
      this.tick = this.attempt().finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, this.retryMs);
      });
    };
    loop();
  }

  private describe(verb: string): string {
    return `${verb} lease ${this.options.namespace}/${this.options.name}`;
  }

  private setLeading(leading: boolean, fields: Record<string, unknown> = {}): void {
    if (leading === this.leading) return;
    this.leading = leading;
    const log = { lease: `${this.options.namespace}/${this.options.name}`, identity: this.identity, ...fields };
    if (leading) {
      this.options.log.info(log, 'cluster audit: this replica leads (holds the lease)');
      this.options.onStartedLeading();
    } else {
      this.options.log.warn(log, 'cluster audit: this replica no longer leads');
      this.options.onStoppedLeading();
    }
  }

  /** One try; failures only cost the leadership once renewals failed for the renew deadline. */
  private async attempt(): Promise<void> {
    try {
      if (await this.tryAcquireOrRenew()) {
        this.lastRenewal = Date.now();
        this.setLeading(true);
      } else {
        this.setLeading(false, { reason: 'another replica holds the lease' });
      }
    } catch (error) {
      this.options.log.warn({ reason: (error as Error).message }, 'cluster audit: lease not renewed');
      if (this.leading && Date.now() - this.lastRenewal > this.renewDeadlineMs) this.setLeading(false, { reason: 'renewals failed for the renew deadline' });
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.now();
    const read = await this.call('GET', `${this.path}/${encodeURIComponent(this.options.name)}`, undefined, 'read');
    if (read.status === 404) return this.create(now);
    const lease = leaseObject(read.body);
    if (!lease) throw new Error(`${this.describe('read')}: not a Lease`);
    this.seen = observe(this.seen, lease.spec, lease.metadata.resourceVersion, Date.now());
    const step = nextStep(lease.spec, this.seen, this.identity, now, this.options.durationSeconds);
    if (step.kind === 'wait') return false;
    const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.options.name, namespace: this.options.namespace, resourceVersion: lease.metadata.resourceVersion }, spec: step.spec };
    const written = await this.call('PUT', `${this.path}/${encodeURIComponent(this.options.name)}`, body, 'update');
    if (written.status === 409) return false;
    if (step.takeover) this.options.log.info({ from: lease.spec.holderIdentity ?? '', identity: this.identity }, 'cluster audit: took over the lease');
    return true;
  }

  private async create(now: Date): Promise<boolean> {
    const spec: LeaseSpec = { holderIdentity: this.identity, leaseDurationSeconds: this.options.durationSeconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 };
    const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.options.name, namespace: this.options.namespace }, spec };
    const created = await this.call('POST', this.path, body, 'create');
    return created.status !== 409;
  }

  /** A call whose answer is a success or a 404/409 the election handles; anything else throws, naming the call. */
  private async call(method: string, path: string, body: unknown, verb: string) {
    let response;
    try {
      response = await this.options.api.call(method, path, body);
    } catch (error) {
      throw unreachable(this.describe(verb), error);
    }
    if (response.status >= 200 && response.status < 300) return response;
    if (response.status === 409 || (response.status === 404 && verb === 'read')) return response;
    throw refusal(this.describe(verb), response, 'riskgate\'s service account');
  }

  /** Stops trying; a leader hands the lease back (no holder) so another replica takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.tick;
    if (!this.leading) return;
    this.setLeading(false, { reason: 'shutting down' });
    try {
      const read = await this.call('GET', `${this.path}/${encodeURIComponent(this.options.name)}`, undefined, 'read');
      const lease = leaseObject(read.body);
      if (!lease || lease.spec.holderIdentity !== this.identity) return;
      const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.options.name, namespace: this.options.namespace, resourceVersion: lease.metadata.resourceVersion }, spec: releasedSpec(lease.spec, this.now()) };
      await this.call('PUT', `${this.path}/${encodeURIComponent(this.options.name)}`, body, 'release');
    } catch (error) {
      this.options.log.warn({ reason: (error as Error).message }, 'cluster audit: lease not released (another replica takes over once it expires)');
    }
  }
}
