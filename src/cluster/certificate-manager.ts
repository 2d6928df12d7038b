// In-cluster certificate self-management: create or renew the TLS Secret, make the webhook trust its CA, then serve it.
import type { KubeConfig } from '@kubernetes/client-node';
import { RiskgateError } from '../riskgate-error.js';
import { overlapBundle } from '../tls/ca-bundle.js';
import { coversDnsNames, expiryOf, keyMatches, needsRenewal, signedBy } from '../tls/certificate-lifetime.js';
import { keyTypeOf } from '../tls/key-type.js';
import type { KeyType } from '../tls/key-type.js';
import { issueServiceCertificate } from '../tls/service-certificate.js';
import { serviceDnsNames } from '../tls/certificates.js';
import type { SecretVersion, StoredCertificate } from './tls-secret-store.js';
import { TlsSecretStore } from './tls-secret-store.js';
import type { BundleSync } from './webhook-ca-bundle.js';
import { WebhookCaBundle } from './webhook-ca-bundle.js';

export interface CertificateManagerOptions {
  service: string;
  namespace: string;
  /** Name of riskgate's ValidatingWebhookConfiguration. */
  webhookConfig: string;
  /** Name of the TLS Secret riskgate keeps its CA and certificate in. */
  secret: string;
  /** Validity of each issued CA and certificate. */
  validityDays: number;
  /** Renew when fewer days than this are left (well before expiry: the old CA stays trusted meanwhile). */
  renewBeforeDays: number;
  clusterDomain?: string;
  /** The key type of what it issues; a stored certificate with the other type is replaced (a renewal, old CA kept trusted). */
  keyType?: KeyType;
}

export const DEFAULT_VALIDITY_DAYS = 365;
export const DEFAULT_RENEW_BEFORE_DAYS = 60;

export interface ServedCertificate {
  cert: string;
  key: string;
  ca: string;
}

export interface ReconcileResult {
  /** What happened to the Secret: made now, renewed now, or read as it was. */
  secret: 'created' | 'renewed' | 'loaded';
  generation: number;
  webhook: BundleSync;
  /** true when the certificate handed to `serve` changed in this round. */
  served: boolean;
  /**
   * true when a new certificate waits for the next round: its CA was patched into the webhook configuration in this
   * round, and the API server needs a moment to pick that up before it meets the new certificate.
   */
  pending: boolean;
  expiry: Date;
}

const MAX_ATTEMPTS = 5;

export class CertificateManager {
  private readonly store: TlsSecretStore;
  private readonly webhook: WebhookCaBundle;
  private readonly dnsNames: string[];
  private current: ServedCertificate | undefined;

  constructor(
    kubeConfig: KubeConfig,
    private readonly options: CertificateManagerOptions,
    private readonly serve: (certificate: ServedCertificate) => void,
  ) {
    this.store = new TlsSecretStore(kubeConfig, options.namespace, options.secret);
    this.webhook = new WebhookCaBundle(kubeConfig, options.webhookConfig);
    this.dnsNames = serviceDnsNames(options.service, options.namespace, options.clusterDomain);
  }

  /** The certificate being served (undefined before the first reconcile). */
  served(): ServedCertificate | undefined {
    return this.current;
  }

  /** notAfter of the certificate being served: what the days-until-expiry metric reports. */
  expiry(): Date | undefined {
    return this.current ? expiryOf(this.current.cert) : undefined;
  }

  /**
   * One round: make sure the Secret holds a valid certificate (creating or renewing it), make the webhook configuration
   * trust its bundle, and only then serve it (a replacement one round later), so the API server never meets a
   * certificate it does not trust.
   */
  async reconcile(now: Date = new Date()): Promise<ReconcileResult> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { version, action } = await this.ensureSecret(now);
      const webhook = await this.webhook.sync(version.bundle, version.generation);
      if (webhook === 'newer' || webhook === 'conflict') continue;
      // First certificate: serve it now (there is nothing else). A replacement: only once its CA was already trusted
      // before this round, so no API server still holding the previous caBundle meets it.
      const changed = !this.current || this.current.cert !== version.cert || this.current.key !== version.key;
      const pending = changed && this.current !== undefined && webhook === 'patched';
      const served = !pending && this.hand(version);
      return { secret: action, generation: version.generation, webhook, served, pending, expiry: expiryOf(version.cert) };
    }
    throw new RiskgateError('CERTS_CONTENDED', `the Secret ${this.options.namespace}/${this.options.secret} and webhook configuration ${this.options.webhookConfig} kept changing under riskgate; will retry`);
  }

  private hand(version: SecretVersion): boolean {
    if (this.current && this.current.cert === version.cert && this.current.key === version.key) return false;
    this.serve({ cert: version.cert, key: version.key, ca: version.ca });
    this.current = { cert: version.cert, key: version.key, ca: version.ca };
    return true;
  }

  /** Why a stored certificate cannot be served as it is, or undefined when it can. */
  private renewalReason(stored: SecretVersion, now: Date): string | undefined {
    if (!stored.cert || !stored.key || !stored.ca) return 'incomplete';
    try {
      if (!keyMatches(stored.cert, stored.key)) return 'key does not match';
      if (!signedBy(stored.cert, stored.ca)) return 'not signed by ca.crt';
      if (!coversDnsNames(stored.cert, this.dnsNames)) return 'does not cover the Service names';
      if (needsRenewal(stored.cert, now, this.options.renewBeforeDays)) return 'due for renewal';
      if (this.options.keyType && keyTypeOf(stored.cert) !== this.options.keyType) return `not an ${this.options.keyType.toUpperCase()} key`;
    } catch {
      return 'unreadable';
    }
    return undefined;
  }

  private issue(now: Date, previous: SecretVersion | undefined): StoredCertificate {
    const issued = issueServiceCertificate({
      service: this.options.service,
      namespace: this.options.namespace,
      now,
      days: this.options.validityDays,
      ...(this.options.clusterDomain ? { clusterDomain: this.options.clusterDomain } : {}),
      ...(this.options.keyType ? { keyType: this.options.keyType } : {}),
    });
    let bundle = issued.ca.cert;
    try {
      if (previous) bundle = overlapBundle(issued.ca.cert, previous.bundle, now);
    } catch {
      // An unreadable old bundle is not carried over: there is nothing in it to trust.
    }
    return { cert: issued.serving.cert, key: issued.serving.key, ca: issued.ca.cert, bundle, generation: (previous?.generation ?? 0) + 1 };
  }

  private async ensureSecret(now: Date): Promise<{ version: SecretVersion; action: ReconcileResult['secret'] }> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const stored = await this.store.read();
      if (stored && this.renewalReason(stored, now) === undefined) return { version: stored, action: 'loaded' };
      const next = this.issue(now, stored);
      const written = stored ? await this.store.replace(next, stored.resourceVersion) : await this.store.create(next);
      // Another replica wrote first: read what it wrote (it is valid, or the next round renews it).
      if (written.ok) return { version: written.version, action: stored ? 'renewed' : 'created' };
    }
    throw new RiskgateError('CERTS_CONTENDED', `the Secret ${this.options.namespace}/${this.options.secret} kept changing under riskgate; will retry`);
  }
}
