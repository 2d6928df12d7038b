// e2e harness: registers riskgate with the chart's own rendered ValidatingWebhookConfiguration, clientConfig.url in place of service.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { helm, objectsOf, find, type K8sObject } from '../../deploy/helm.js';
import { CHART } from './repo.js';
import type { Kubectl } from './kubectl.js';

export interface ChartRender {
  objects: K8sObject[];
  /** The policy file the chart renders into its ConfigMap (what the pods' `serve --policy` reads). */
  policy: string;
  webhookConfiguration: K8sObject;
}

/** `helm template` of charts/riskgate for a Kubernetes version (capabilities decide matchConditions) with --set values. */
export function renderChart(options: { set?: string[]; values?: string[]; kubeVersion?: string; dir: string; release?: string; namespace?: string }): ChartRender {
  const valueArgs = [...(options.values ?? []).flatMap((v) => ['-f', v]), ...(options.set ?? []).flatMap((s) => ['--set', s])];
  const release = options.release ?? 'riskgate';
  const run = helm(['template', release, CHART, '--namespace', options.namespace ?? 'riskgate', '--kube-version', options.kubeVersion ?? '1.32.13', ...valueArgs]);
  if (run.status !== 0) throw new Error(`helm template failed: ${run.stderr}`);
  writeFileSync(join(options.dir, release === 'riskgate' ? 'chart-render.yaml' : `chart-render-${release}.yaml`), run.stdout);
  const objects = objectsOf(run.stdout);
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-policy'));
  const policy = (configMap?.['data'] as Record<string, string> | undefined)?.['policy.yaml'];
  if (policy === undefined) throw new Error('the chart render has no policy ConfigMap');
  return { objects, policy, webhookConfiguration: find(objects, 'ValidatingWebhookConfiguration') };
}

interface WebhookEntry {
  name: string;
  clientConfig: { service?: { path?: string }; url?: string; caBundle?: string };
  [field: string]: unknown;
}

/** The configuration with each entry calling `baseUrl` + the entry's service path, trusted through caBundle. */
export function pointAt(configuration: K8sObject, baseUrl: string, caBundle: string): K8sObject {
  const webhooks = (configuration['webhooks'] as WebhookEntry[]).map((w) => ({
    ...w,
    clientConfig: { url: `${baseUrl}${w.clientConfig.service?.path ?? '/validate'}`, caBundle },
  }));
  return { ...configuration, webhooks };
}

export async function registerWebhook(kubectl: Kubectl, configuration: K8sObject, baseUrl: string, caBundle: string): Promise<K8sObject> {
  const pointed = pointAt(configuration, baseUrl, caBundle);
  await kubectl.apply(stringify(pointed));
  return pointed;
}
