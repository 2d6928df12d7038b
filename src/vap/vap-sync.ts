// `serve --vap`: keeps the cluster's ValidatingAdmissionPolicies equal to the deny rules of the policy in force (server-side apply), owned by the webhook configuration.
import type { ServeContext } from '../cli/serve-extension.js';
import { clusterAccess } from '../cluster-audit/kube-credentials.js';
import { KubeApi, statusMessage } from '../cluster-audit/kube-api.js';
import type { KubeResponse } from '../cluster-audit/kube-api.js';
import { rfc3339 } from '../engine/exemption-text.js';
import { ExpiryTimer } from '../policy/expiry-timer.js';
import { RiskgateError } from '../riskgate-error.js';
import type { K8sObject } from './admission-policy.js';
import { MANAGED_BY, MANAGED_BY_LABEL } from './admission-policy.js';
import { vapSet } from './vap-set.js';

const GROUP_PATH = '/apis/admissionregistration.k8s.io/v1';
const KINDS = ['validatingadmissionpolicies', 'validatingadmissionpolicybindings'] as const;
/** Marks the objects of one riskgate installation: the name of the webhook configuration that owns them. */
export const WEBHOOK_CONFIG_LABEL = 'riskgate.io/webhook-config';
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
const RETRY_MS = 30_000;

interface WebhookConfiguration {
  metadata?: { uid?: string; name?: string };
  webhooks?: Array<{ namespaceSelector?: { matchExpressions?: Array<{ key?: string; operator?: string; values?: string[] }> } }>;
}

/** The namespaces the webhook entries leave out (kubernetes.io/metadata.name NotIn …), which the policies leave out too. */
export function excludedNamespaces(configuration: WebhookConfiguration): string[] {
  const out = new Set<string>();
  for (const webhook of configuration.webhooks ?? []) {
    for (const e of webhook.namespaceSelector?.matchExpressions ?? []) if (e.key === NAMESPACE_NAME_LABEL && e.operator === 'NotIn') for (const v of e.values ?? []) out.add(v);
  }
  return [...out];
}

function failed(response: KubeResponse, what: string): never {
  throw new RiskgateError('VAP_APPLY_FAILED', `${what}: HTTP ${response.status}: ${statusMessage(response)}`);
}

export class VapSync {
  private chain: Promise<void> = Promise.resolve();
  private retry: NodeJS.Timeout | undefined;
  private readonly timer: ExpiryTimer;

  constructor(
    private readonly context: ServeContext,
    private readonly api: KubeApi,
    private readonly webhookConfig: string,
  ) {
    this.timer = new ExpiryTimer(() => context.policy(), (ended) => this.schedule(`an exemption block ended ${rfc3339(ended)}`));
  }

  /** Runs a sync after the ones already queued (start-up, policy change, a block's end). */
  schedule(reason: string): Promise<void> {
    this.chain = this.chain.then(() => this.sync(reason));
    return this.chain;
  }

  stop(): void {
    this.timer.stop();
    if (this.retry) clearTimeout(this.retry);
    this.api.close();
  }

  private async sync(reason: string): Promise<void> {
    const { logger } = this.context;
    try {
      const owner = await this.owner();
      const set = vapSet(this.context.rules, this.context.policy(), new Date(), { excludeNamespaces: owner ? excludedNamespaces(owner) : [], actions: ['deny'] });
      const objects = set.pairs.flatMap((p) => [p.policy, p.binding]);
      for (const object of objects) await this.apply(object, owner);
      const deleted = await this.deleteOthers(new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`)));
      logger.info(
        { reason, applied: set.pairs.map((p) => p.policy.metadata.name), deleted, leftToWebhook: set.leftToWebhook.map((l) => l.rule.id), ...(set.regenerateBefore ? { nextEnd: rfc3339(set.regenerateBefore) } : {}) },
        'ValidatingAdmissionPolicies applied',
      );
      this.timer.arm();
    } catch (error) {
      logger.error({ reason, err: (error as Error).message }, `cannot apply the ValidatingAdmissionPolicies; retrying in ${RETRY_MS / 1000} s`);
      if (this.retry) clearTimeout(this.retry);
      this.retry = setTimeout(() => void this.schedule('retry'), RETRY_MS);
      this.retry.unref();
    }
  }

  /** The webhook configuration (its uid owns the objects; its namespaceSelector is copied), or undefined when it is not there. */
  private async owner(): Promise<(WebhookConfiguration & { metadata: { uid: string; name: string } }) | undefined> {
    const response = await this.api.call('GET', `${GROUP_PATH}/validatingwebhookconfigurations/${encodeURIComponent(this.webhookConfig)}`);
    if (response.status === 404) {
      this.context.logger.warn({ webhookConfig: this.webhookConfig }, 'no such ValidatingWebhookConfiguration: the policies apply to every namespace and nothing deletes them with riskgate');
      return undefined;
    }
    if (response.status !== 200) failed(response, `reading ValidatingWebhookConfiguration ${this.webhookConfig}`);
    const body = response.body as WebhookConfiguration;
    return { ...body, metadata: { uid: body.metadata?.uid ?? '', name: body.metadata?.name ?? this.webhookConfig } };
  }

  private async apply(object: K8sObject, owner: { metadata: { uid: string; name: string } } | undefined): Promise<void> {
    const metadata = {
      ...object.metadata,
      labels: { ...object.metadata.labels, [WEBHOOK_CONFIG_LABEL]: this.webhookConfig },
      ...(owner
        ? { ownerReferences: [{ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', name: owner.metadata.name, uid: owner.metadata.uid }] }
        : {}),
    };
    const plural = object.kind === 'ValidatingAdmissionPolicy' ? KINDS[0] : KINDS[1];
    const path = `${GROUP_PATH}/${plural}/${encodeURIComponent(object.metadata.name)}?fieldManager=riskgate&force=true`;
    const response = await this.api.call('PATCH', path, { ...object, metadata }, 'application/apply-patch+yaml');
    if (response.status !== 200 && response.status !== 201) failed(response, `applying ${object.kind} ${object.metadata.name}`);
  }

  /** Deletes this installation's objects the policy no longer wants (a rule no longer denying, a rule removed). */
  private async deleteOthers(wanted: ReadonlySet<string>): Promise<string[]> {
    const deleted: string[] = [];
    const selector = encodeURIComponent(`${MANAGED_BY_LABEL}=${MANAGED_BY},${WEBHOOK_CONFIG_LABEL}=${this.webhookConfig}`);
    for (const plural of KINDS) {
      const list = await this.api.call('GET', `${GROUP_PATH}/${plural}?labelSelector=${selector}`);
      if (list.status !== 200) failed(list, `listing ${plural}`);
      const kind = plural === KINDS[0] ? 'ValidatingAdmissionPolicy' : 'ValidatingAdmissionPolicyBinding';
      for (const item of (list.body as { items?: Array<{ metadata?: { name?: string } }> }).items ?? []) {
        const name = item.metadata?.name;
        if (!name || wanted.has(`${kind}/${name}`)) continue;
        const response = await this.api.call('DELETE', `${GROUP_PATH}/${plural}/${encodeURIComponent(name)}`);
        if (response.status !== 200 && response.status !== 202 && response.status !== 404) failed(response, `deleting ${kind} ${name}`);
        deleted.push(`${kind}/${name}`);
      }
    }
    return deleted;
  }
}

/** Starts the sync: once now (start-up fails if the API server refuses), then on each policy change and each block's end. */
export async function startVapSync(context: ServeContext, webhookConfig: string): Promise<void> {
  const access = clusterAccess({});
  const sync = new VapSync(context, new KubeApi(access.config, access.server, { maxSockets: 2 }), webhookConfig);
  await sync.schedule('start-up');
  context.onPolicyChange(() => void sync.schedule('policy change'));
  context.onShutdown('ValidatingAdmissionPolicy sync', () => sync.stop());
}
