// Writes core/v1 Events through @kubernetes/client-node: POST to create, GET to read back, JSON merge PATCH of count and lastTimestamp guarded by resourceVersion.
import { CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig, type CoreV1Event } from '@kubernetes/client-node';
import { apiFailureOf, httpStatusOf, type ApiFailure } from './kube-api-failure.js';
import type { KubeEvent } from './kube-event-body.js';

/** What the API server holds of an Event: enough to raise its count under optimistic concurrency. */
export interface StoredEvent {
  count: number;
  lastTimestamp: string;
  resourceVersion: string;
}

/** A new count and time for an Event, applied only if it is still at `resourceVersion`. */
export interface CountChange {
  count: number;
  lastTimestamp: string;
  resourceVersion: string;
}

/** `exists`: 409 AlreadyExists on create. */
export type CreateOutcome = StoredEvent | 'exists' | ApiFailure;
export type ReadOutcome = StoredEvent | 'missing' | ApiFailure;
/** `conflict`: 409, someone else changed the Event since `resourceVersion`; `missing`: 404. */
export type PatchOutcome = StoredEvent | 'conflict' | 'missing' | ApiFailure;

export interface KubeEventWriter {
  create(event: KubeEvent): Promise<CreateOutcome>;
  read(namespace: string, name: string): Promise<ReadOutcome>;
  patchCount(namespace: string, name: string, change: CountChange): Promise<PatchOutcome>;
}

function timeText(value: Date | string | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : value.toISOString();
}

function storedOf(event: CoreV1Event): StoredEvent {
  return { count: event.count ?? 1, lastTimestamp: timeText(event.lastTimestamp as Date | string | undefined), resourceVersion: event.metadata.resourceVersion ?? '' };
}

export class ClientNodeEventWriter implements KubeEventWriter {
  private readonly api: CoreV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.api = kubeConfig.makeApiClient(CoreV1Api);
  }

  async create(event: KubeEvent): Promise<CreateOutcome> {
    try {
      return storedOf(await this.api.createNamespacedEvent({ namespace: event.metadata.namespace, body: event as unknown as CoreV1Event }));
    } catch (error) {
      return httpStatusOf(error) === 409 ? 'exists' : apiFailureOf(error);
    }
  }

  async read(namespace: string, name: string): Promise<ReadOutcome> {
    try {
      return storedOf(await this.api.readNamespacedEvent({ namespace, name }));
    } catch (error) {
      return httpStatusOf(error) === 404 ? 'missing' : apiFailureOf(error);
    }
  }

  async patchCount(namespace: string, name: string, change: CountChange): Promise<PatchOutcome> {
    const body = { metadata: { resourceVersion: change.resourceVersion }, count: change.count, lastTimestamp: change.lastTimestamp };
    try {
      return storedOf(await this.api.patchNamespacedEvent({ namespace, name, body }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)));
    } catch (error) {
      const status = httpStatusOf(error);
      if (status === 409) return 'conflict';
      if (status === 404) return 'missing';
      return apiFailureOf(error);
    }
  }
}
