// Writes core/v1 Events through @kubernetes/client-node: POST to create, JSON merge PATCH to update an aggregated count.
import { ApiException, CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig, type CoreV1Event } from '@kubernetes/client-node';
import type { KubeEvent } from './kube-event-body.js';

export type WriteOutcome = 'ok' | 'exists' | 'missing' | { failed: string; detail: string };

export interface KubeEventWriter {
  create(event: KubeEvent): Promise<WriteOutcome>;
  patchCount(namespace: string, name: string, count: number, lastTimestamp: string): Promise<WriteOutcome>;
}

function outcomeOf(error: unknown): WriteOutcome {
  if (error instanceof ApiException) {
    if (error.code === 409) return 'exists';
    if (error.code === 404) return 'missing';
    return { failed: `http-${error.code}`, detail: String(error.body).slice(0, 300) };
  }
  const code = (error as NodeJS.ErrnoException).code;
  return { failed: code ? 'connection' : 'error', detail: (error as Error).message };
}

export class ClientNodeEventWriter implements KubeEventWriter {
  private readonly api: CoreV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.api = kubeConfig.makeApiClient(CoreV1Api);
  }

  async create(event: KubeEvent): Promise<WriteOutcome> {
    try {
      await this.api.createNamespacedEvent({ namespace: event.metadata.namespace, body: event as unknown as CoreV1Event });
      return 'ok';
    } catch (error) {
      return outcomeOf(error);
    }
  }

  async patchCount(namespace: string, name: string, count: number, lastTimestamp: string): Promise<WriteOutcome> {
    try {
      await this.api.patchNamespacedEvent({ namespace, name, body: { count, lastTimestamp } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      return 'ok';
    } catch (error) {
      return outcomeOf(error);
    }
  }
}
