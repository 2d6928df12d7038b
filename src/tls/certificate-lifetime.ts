// Questions asked of an issued certificate: when it expires, whether it is due for renewal, which names it covers, who signed it.
import { X509Certificate, createPrivateKey } from 'node:crypto';

const DAY_MS = 24 * 60 * 60 * 1000;

export function expiryOf(pem: string): Date {
  return new Date(new X509Certificate(pem).validTo);
}

/** Days (fractional, negative once expired) from `now` until the certificate's notAfter: the days-until-expiry metric. */
export function daysUntilExpiry(pem: string, now: Date): number {
  return (expiryOf(pem).getTime() - now.getTime()) / DAY_MS;
}

/** Due for renewal when fewer than `renewBeforeDays` days of validity are left. */
export function needsRenewal(pem: string, now: Date, renewBeforeDays: number): boolean {
  return daysUntilExpiry(pem, now) < renewBeforeDays;
}

/** The DNS names of the certificate's subjectAltName extension. */
export function dnsNamesOf(pem: string): string[] {
  const san = new X509Certificate(pem).subjectAltName ?? '';
  return san
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice('DNS:'.length));
}

export function coversDnsNames(pem: string, names: readonly string[]): boolean {
  const cert = new X509Certificate(pem);
  return names.every((name) => cert.checkHost(name, { wildcards: false }) === name);
}

/** true when `caPem` signed `certPem` (signature check and issuer name match). */
export function signedBy(certPem: string, caPem: string): boolean {
  const cert = new X509Certificate(certPem);
  const ca = new X509Certificate(caPem);
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

/** true when the private key belongs to the certificate. */
export function keyMatches(certPem: string, keyPem: string): boolean {
  try {
    return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}
