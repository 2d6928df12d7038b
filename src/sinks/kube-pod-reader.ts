// Reads a Pod's uid through @kubernetes/client-node: a GET asking for metadata only (PartialObjectMetadata), cut off by an abort signal.
import { CoreV1Api, Observable, setHeaderOptions, type KubeConfig, type RequestContext } from '@kubernetes/client-node';
import { apiFailureOf, type ApiFailure } from './kube-api-failure.js';

/** The Pod's object metadata only, not its spec and status (the API server's PartialObjectMetadata form). */
export const METADATA_ONLY = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

export interface PodMetadataReader {
  /** The Pod's metadata.uid, or why it could not be read (http-404: no such Pod, http-403: no RBAC, timeout…). */
  podUid(namespace: string, name: string, signal: AbortSignal): Promise<string | ApiFailure>;
}

function withSignal(signal: AbortSignal) {
  const options = setHeaderOptions('Accept', METADATA_ONLY);
  const abortable = {
    pre: (context: RequestContext) => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: <T>(response: T) => new Observable(Promise.resolve(response)),
  };
  return { ...options, middleware: [...(options.middleware ?? []), abortable] };
}

export class ClientNodePodReader implements PodMetadataReader {
  private readonly api: CoreV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.api = kubeConfig.makeApiClient(CoreV1Api);
  }

  async podUid(namespace: string, name: string, signal: AbortSignal): Promise<string | ApiFailure> {
    try {
      const pod = await this.api.readNamespacedPod({ namespace, name }, withSignal(signal));
      const uid = pod.metadata?.uid;
      return uid ? uid : { failed: 'no-uid', detail: `Pod ${namespace}/${name} has no metadata.uid` };
    } catch (error) {
      return apiFailureOf(error);
    }
  }
}
