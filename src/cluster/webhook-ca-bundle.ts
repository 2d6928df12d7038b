// Puts the Secret's CA bundle into every entry of riskgate's ValidatingWebhookConfiguration (JSON patch, compare-and-swap).
import { AdmissionregistrationV1Api, ApiException, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { KubeConfig, V1ValidatingWebhookConfiguration } from '@kubernetes/client-node';
import { caBundleBase64 } from '../tls/ca-bundle.js';

/** Annotation on the webhook configuration: the Secret generation whose bundle its caBundles hold. */
export const CA_GENERATION_ANNOTATION = 'riskgate.io/ca-generation';

/**
 * patched / unchanged: the configuration now trusts the bundle. missing: no such configuration (yet).
 * newer: it already holds a newer generation than the one offered (re-read the Secret). conflict: it changed meanwhile.
 */
export type BundleSync = 'patched' | 'unchanged' | 'missing' | 'newer' | 'conflict';

type PatchOperation = { op: 'test' | 'add'; path: string; value: unknown };

function pointer(...parts: string[]): string {
  return parts.map((p) => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function generationOf(config: V1ValidatingWebhookConfiguration): number | undefined {
  const value = config.metadata?.annotations?.[CA_GENERATION_ANNOTATION];
  return value === undefined ? undefined : Number(value);
}

/** The JSON patch: guard the generation and the entry names read, then set the generation and every entry's caBundle. */
export function caBundlePatch(config: V1ValidatingWebhookConfiguration, caBundle: string, generation: number): PatchOperation[] {
  const live = generationOf(config);
  const ops: PatchOperation[] = [];
  if (live !== undefined) ops.push({ op: 'test', path: pointer('metadata', 'annotations', CA_GENERATION_ANNOTATION), value: String(live) });
  if (config.metadata?.annotations) ops.push({ op: 'add', path: pointer('metadata', 'annotations', CA_GENERATION_ANNOTATION), value: String(generation) });
  else ops.push({ op: 'add', path: pointer('metadata', 'annotations'), value: { [CA_GENERATION_ANNOTATION]: String(generation) } });
  (config.webhooks ?? []).forEach((webhook, i) => {
    ops.push({ op: 'test', path: pointer('webhooks', String(i), 'name'), value: webhook.name });
    ops.push({ op: 'add', path: pointer('webhooks', String(i), 'clientConfig', 'caBundle'), value: caBundle });
  });
  return ops;
}

export class WebhookCaBundle {
  private readonly api: AdmissionregistrationV1Api;

  constructor(
    kubeConfig: KubeConfig,
    readonly name: string,
  ) {
    this.api = kubeConfig.makeApiClient(AdmissionregistrationV1Api);
  }

  /** Makes every webhook entry trust `bundle` (PEM) of Secret generation `generation`, unless it holds a newer one. */
  async sync(bundle: string, generation: number): Promise<BundleSync> {
    let config: V1ValidatingWebhookConfiguration;
    try {
      config = await this.api.readValidatingWebhookConfiguration({ name: this.name });
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return 'missing';
      throw error;
    }
    const live = generationOf(config) ?? 0;
    if (live > generation) return 'newer';
    const caBundle = caBundleBase64(bundle);
    const current = (config.webhooks ?? []).every((w) => w.clientConfig.caBundle === caBundle);
    if (current && live === generation) return 'unchanged';
    try {
      await this.api.patchValidatingWebhookConfiguration(
        { name: this.name, body: caBundlePatch(config, caBundle, generation) },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      );
      return 'patched';
    } catch (error) {
      // A failed `test` operation (someone changed the configuration since we read it) comes back as 409 or 422.
      if (error instanceof ApiException && (error.code === 409 || error.code === 422)) return 'conflict';
      if (error instanceof ApiException && error.code === 404) return 'missing';
      throw error;
    }
  }
}
