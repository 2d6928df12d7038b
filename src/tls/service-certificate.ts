// Issues riskgate's webhook certificate for a Service: a fresh CA and a serving certificate for every DNS name of the Service.
import type { PemPair } from './certificates.js';
import { createCa, createServingCert, serviceDnsNames } from './certificates.js';
import type { KeyType } from './key-type.js';

export interface ServiceCertificateOptions {
  service: string;
  namespace: string;
  now: Date;
  /** Validity of both the CA and the serving certificate. */
  days: number;
  clusterDomain?: string;
  /** The key type of the CA and the serving certificate (ECDSA P-256 by default). */
  keyType?: KeyType;
}

export interface ServiceCertificate {
  ca: PemPair;
  serving: PemPair;
  dnsNames: string[];
}

/** A CA name that differs per issue, so the old and new CA of an overlap bundle are told apart in logs and openssl output. */
function caName(now: Date): string {
  return `riskgate-ca-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}

export function issueServiceCertificate({ service, namespace, now, days, clusterDomain, keyType }: ServiceCertificateOptions): ServiceCertificate {
  const dnsNames = serviceDnsNames(service, namespace, clusterDomain);
  const keys = keyType ? { keyType } : {};
  const ca = createCa({ commonName: caName(now), now, days, ...keys });
  const serving = createServingCert({ ca, commonName: `${service}.${namespace}.svc`, dnsNames, ipAddresses: [], now, days, ...keys });
  return { ca, serving, dnsNames };
}

/** A DNS-1123 label, as Kubernetes requires of Service and Namespace names. */
export function isDnsLabel(name: string): boolean {
  return /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name);
}
