// riskgate's TLS Secret through @kubernetes/client-node: read, create and replace (optimistic concurrency on resourceVersion).
import { ApiException, CoreV1Api } from '@kubernetes/client-node';
import type { KubeConfig, V1Secret } from '@kubernetes/client-node';

/** Annotation on the Secret: incremented at every issue, so webhook configurations can tell a newer CA from an older one. */
export const GENERATION_ANNOTATION = 'riskgate.io/generation';
export const BUNDLE_KEY = 'ca-bundle.crt';

/** The certificate riskgate serves and the CAs the webhook configuration must trust, as stored in the Secret. */
export interface StoredCertificate {
  cert: string;
  key: string;
  ca: string;
  /** PEM bundle for the caBundle: the current CA, plus the previous one during a renewal's overlap. */
  bundle: string;
  generation: number;
}

export interface SecretVersion extends StoredCertificate {
  resourceVersion: string;
}

export type WriteResult = { ok: true; version: SecretVersion } | { ok: false; reason: 'conflict' };

function decode(secret: V1Secret, key: string): string {
  return Buffer.from(secret.data?.[key] ?? '', 'base64').toString('utf8');
}

function encode(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

export class TlsSecretStore {
  private readonly api: CoreV1Api;

  constructor(
    kubeConfig: KubeConfig,
    readonly namespace: string,
    readonly name: string,
  ) {
    this.api = kubeConfig.makeApiClient(CoreV1Api);
  }

  /** The stored certificate, or undefined when the Secret does not exist. */
  async read(): Promise<SecretVersion | undefined> {
    try {
      return this.versionOf(await this.api.readNamespacedSecret({ name: this.name, namespace: this.namespace }));
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    }
  }

  /** Creates the Secret; `conflict` when another replica created it first. */
  async create(certificate: StoredCertificate): Promise<WriteResult> {
    return this.write(() => this.api.createNamespacedSecret({ namespace: this.namespace, body: this.body(certificate) }));
  }

  /** Replaces the Secret if it is still at `resourceVersion`; `conflict` when another replica changed it meanwhile. */
  async replace(certificate: StoredCertificate, resourceVersion: string): Promise<WriteResult> {
    return this.write(() => this.api.replaceNamespacedSecret({ name: this.name, namespace: this.namespace, body: this.body(certificate, resourceVersion) }));
  }

  private async write(call: () => Promise<V1Secret>): Promise<WriteResult> {
    try {
      return { ok: true, version: this.versionOf(await call()) };
    } catch (error) {
      if (error instanceof ApiException && error.code === 409) return { ok: false, reason: 'conflict' };
      throw error;
    }
  }

  private body(certificate: StoredCertificate, resourceVersion?: string): V1Secret {
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'riskgate' },
        annotations: { [GENERATION_ANNOTATION]: String(certificate.generation) },
        ...(resourceVersion ? { resourceVersion } : {}),
      },
      data: {
        'tls.crt': encode(certificate.cert),
        'tls.key': encode(certificate.key),
        'ca.crt': encode(certificate.ca),
        [BUNDLE_KEY]: encode(certificate.bundle),
      },
    };
  }

  private versionOf(secret: V1Secret): SecretVersion {
    const generation = Number(secret.metadata?.annotations?.[GENERATION_ANNOTATION] ?? '0');
    const ca = decode(secret, 'ca.crt');
    const bundle = decode(secret, BUNDLE_KEY);
    return {
      cert: decode(secret, 'tls.crt'),
      key: decode(secret, 'tls.key'),
      ca,
      bundle: bundle || ca,
      generation: Number.isInteger(generation) && generation >= 0 ? generation : 0,
      resourceVersion: secret.metadata?.resourceVersion ?? '',
    };
  }
}
