// Runs the certificate manager inside `serve`: first round before the webhook listens, then a periodic check until shutdown.
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import type { ServeContext } from '../cli/serve-extension.js';
import { RiskgateError } from '../riskgate-error.js';
import { CertificateManager } from './certificate-manager.js';
import type { ReconcileResult } from './certificate-manager.js';
import type { ManageCertsOptions } from './manage-certs-options.js';
import { CERT_MODE, KEY_MODE, writeAtomically } from './pem-files.js';
import type { ServedCertificate } from './certificate-manager.js';

const POD_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
/** After a failed round, or while the webhook configuration does not exist yet. */
const RETRY_MS = 10_000;

function podNamespace(): string {
  try {
    return readFileSync(POD_NAMESPACE_FILE, 'utf8').trim();
  } catch {
    throw new RiskgateError('USAGE', `--manage-certs needs --namespace (not running in a pod: ${POD_NAMESPACE_FILE} is not readable)`);
  }
}

function describe(error: unknown): string {
  const e = error as { code?: unknown; body?: unknown; message?: string };
  if (typeof e.code === 'number') return `Kubernetes API answered ${e.code}: ${String(typeof e.body === 'string' ? e.body : JSON.stringify(e.body)).slice(0, 300)}`;
  return e.message ?? String(error);
}

/** The KubeConfig of the pod's service account (or $KUBECONFIG / ~/.kube/config outside a cluster). */
export function defaultKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  return kubeConfig;
}

/**
 * Hands a certificate to the running server, and writes it over the files serve watches (its --certs-dir), so the file
 * reloader sees what is served and never swaps it back. Key first: a reloader that sees the new certificate finds its key.
 */
async function serveCertificate(context: ServeContext, certificate: ServedCertificate): Promise<void> {
  context.tls.update({ cert: certificate.cert, key: certificate.key });
  const files = context.tls.files;
  if (!files) return;
  await writeAtomically(files.key, certificate.key, KEY_MODE);
  await writeAtomically(files.cert, certificate.cert, CERT_MODE);
}

export interface CertificateManagement {
  manager: CertificateManager;
  stop(): void;
}

export async function startCertificateManagement(
  context: ServeContext,
  options: ManageCertsOptions & { service: string },
  kubeConfig?: KubeConfig,
): Promise<CertificateManagement> {
  const { logger } = context;
  let writing: Promise<void> = Promise.resolve();
  let config: KubeConfig;
  try {
    config = kubeConfig ?? defaultKubeConfig();
  } catch (error) {
    throw new RiskgateError('CERTS_UNAVAILABLE', `cannot load the Kubernetes client configuration (the pod's service account, or $KUBECONFIG): ${(error as Error).message}`);
  }
  const namespace = options.namespace ?? podNamespace();
  const secret = options.secret ?? `${options.service}-tls`;
  const manager = new CertificateManager(
    config,
    {
      service: options.service,
      namespace,
      webhookConfig: options.webhookConfig,
      secret,
      validityDays: options.certValidityDays,
      renewBeforeDays: options.certRenewBeforeDays,
      ...(context.options.certKeyType ? { keyType: context.options.certKeyType } : {}),
    },
    (certificate) => {
      writing = writing.catch(() => undefined).then(() => serveCertificate(context, certificate));
    },
  );
  const report = (result: ReconcileResult): number => {
    const fields = { secretName: `${namespace}/${secret}`, webhookConfig: options.webhookConfig, ...result };
    if (result.webhook === 'missing') logger.warn(fields, 'webhook configuration not found: serving the certificate, will patch its caBundle once it exists');
    else if (result.secret !== 'loaded' || result.webhook === 'patched' || result.served) logger.info(fields, 'managed certificate in place');
    else logger.debug(fields, 'managed certificate checked');
    return result.webhook === 'missing' ? RETRY_MS : options.certCheckInterval * 1000;
  };
  let next: number;
  try {
    next = report(await manager.reconcile());
    await writing;
  } catch (error) {
    throw new RiskgateError('CERTS_UNAVAILABLE', `cannot set up the certificate in Secret ${namespace}/${secret}: ${describe(error)}`);
  }
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(round, ms);
    timer.unref();
  };
  const round = async () => {
    try {
      const result = await manager.reconcile();
      await writing;
      schedule(report(result));
    } catch (error) {
      logger.error({ secret: `${namespace}/${secret}`, reason: describe(error) }, 'certificate check failed, keeping the current certificate; retrying');
      schedule(Math.min(RETRY_MS, options.certCheckInterval * 1000));
    }
  };
  schedule(next);
  const stop = () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
  context.onShutdown('certificate manager', stop);
  return { manager, stop };
}
