// `serve --watch-namespaces`: a watch-backed cache of every Namespace's labels, read by each review for namespaceLabels exemptions.
import { CoreV1Api, makeInformer } from '@kubernetes/client-node';
import type { Informer, KubeConfig, ObjectCache, V1Namespace } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Policy } from '../engine/policy.js';
import type { NamespaceLabels } from '../engine/namespace-labels.js';
import { usesNamespaceLabels } from '../engine/namespace-labels.js';

/** After the watch fails (API server restart, expired token), the next list-and-watch starts this much later. */
export const RESTART_DELAY_MS = 5_000;

type NamespaceInformer = Informer<V1Namespace> & ObjectCache<V1Namespace>;

export interface NamespaceLabelWatchDeps {
  logger: Logger;
  config: KubeConfig;
  restartDelayMs?: number;
}

/**
 * Until the first list has arrived every lookup answers "unknown", so no namespace-label exemption applies: a rule
 * judges as if the label were absent (fail safe). After a watch failure the cache keeps the last labels it saw and the
 * watch starts again; the outage and the recovery are each logged once.
 */
export class NamespaceLabelWatch {
  private informer: NamespaceInformer | undefined;
  private synced = false;
  private failing = false;
  private errorSeen = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: NamespaceLabelWatchDeps) {}

  /** The labels of the namespace, `{}` for one without labels, undefined when it is unknown (not listed yet, or absent). */
  readonly labelsOf: NamespaceLabels = (namespace) => {
    if (!this.synced || this.informer === undefined) return undefined;
    const found = this.informer.get(namespace);
    if (found === undefined) return undefined;
    return found.metadata?.labels ?? {};
  };

  get started(): boolean {
    return this.informer !== undefined;
  }

  /** Starts the list-and-watch; resolves once the first list is in the cache or has failed (then it is tried again). */
  async start(): Promise<void> {
    if (this.informer) return;
    const api = this.deps.config.makeApiClient(CoreV1Api);
    const informer = makeInformer<V1Namespace>(this.deps.config, '/api/v1/namespaces', () => api.listNamespace());
    this.informer = informer;
    // A watch that ends normally is resumed by client-node itself; one that fails reports here and is restarted below.
    informer.on('error', (error) => this.failed(error));
    await this.attempt();
  }

  /** One list-and-watch: the cache is whole once start() resolves without an error having been reported meanwhile. */
  private async attempt(): Promise<void> {
    const informer = this.informer;
    if (!informer || this.stopped) return;
    this.errorSeen = false;
    try {
      await informer.start();
    } catch (error) {
      this.failed(error);
    }
    if (!this.errorSeen && !this.stopped) this.listed();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.informer?.stop();
  }

  private listed(): void {
    const first = !this.synced;
    this.synced = true;
    if (first || this.failing) {
      this.deps.logger.info({ namespaces: this.informer?.list().length ?? 0 }, first ? 'namespaces listed: namespaceLabels exemptions apply' : 'namespace watch restored');
    }
    this.failing = false;
  }

  private failed(error: unknown): void {
    this.errorSeen = true;
    if (this.stopped) return;
    if (!this.failing) {
      const effect = this.synced ? 'exemptions use the labels last seen until it is back' : 'no namespaceLabels exemption applies until the first list succeeds';
      this.deps.logger.warn({ reason: (error as Error)?.message ?? String(error) }, `cannot watch Namespaces: ${effect}`);
    }
    this.failing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.attempt();
    }, this.deps.restartDelayMs ?? RESTART_DELAY_MS);
    this.timer.unref();
  }
}

/**
 * Starts the watch when the policy first names a namespaceLabels exemption (now or after a reload): a policy without
 * one costs no watch.
 */
export function watchNamespacesWhenNeeded(watch: NamespaceLabelWatch, policy: Policy, onChange: (listener: (policy: Policy) => void) => void): void {
  const consider = (p: Policy) => {
    if (!watch.started && usesNamespaceLabels(p)) void watch.start();
  };
  consider(policy);
  onChange(consider);
}
