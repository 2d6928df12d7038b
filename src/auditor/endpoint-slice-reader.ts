// Lists the EndpointSlices of one Service (label kubernetes.io/service-name) through @kubernetes/client-node, cut off by an abort signal.
import { DiscoveryV1Api, Observable, type KubeConfig, type RequestContext } from '@kubernetes/client-node';
import { apiFailureOf } from '../sinks/kube-api-failure.js';
import type { EndpointSliceLike } from './endpoint-slice-peers.js';

export interface ServiceRef {
  namespace: string;
  name: string;
}

export interface EndpointSliceReader {
  /** The Service's slices; throws an Error whose message says what failed (http-403 …, timeout). */
  list(service: ServiceRef, signal: AbortSignal): Promise<EndpointSliceLike[]>;
}

function withSignal(signal: AbortSignal) {
  return {
    middleware: [
      {
        pre: (context: RequestContext) => {
          context.setSignal(signal);
          return new Observable(Promise.resolve(context));
        },
        post: <T>(response: T) => new Observable(Promise.resolve(response)),
      },
    ],
  };
}

export class ClientNodeEndpointSliceReader implements EndpointSliceReader {
  private readonly api: DiscoveryV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.api = kubeConfig.makeApiClient(DiscoveryV1Api);
  }

  async list(service: ServiceRef, signal: AbortSignal): Promise<EndpointSliceLike[]> {
    try {
      const list = await this.api.listNamespacedEndpointSlice({ namespace: service.namespace, labelSelector: `kubernetes.io/service-name=${service.name}`, limit: 100 }, withSignal(signal));
      return list.items.map((s) => ({
        addressType: s.addressType,
        ports: s.ports?.map((p) => ({ ...(p.name !== undefined ? { name: p.name } : {}), ...(p.port !== undefined ? { port: p.port } : {}) })) ?? [],
        endpoints: (s.endpoints ?? []).map((e) => ({
          addresses: e.addresses,
          ...(e.conditions ? { conditions: { ...e.conditions } } : {}),
          ...(e.targetRef ? { targetRef: { ...(e.targetRef.kind ? { kind: e.targetRef.kind } : {}), ...(e.targetRef.name ? { name: e.targetRef.name } : {}) } } : {}),
        })),
      }));
    } catch (error) {
      const failure = apiFailureOf(error);
      throw new Error(`${failure.failed}${failure.detail ? `: ${failure.detail.slice(0, 160)}` : ''}`);
    }
  }
}
