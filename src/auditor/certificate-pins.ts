// Which peers may receive a viewer's token: those proving they hold riskgate's own serving key (the replicas share one certificate Secret).
import { createHash, X509Certificate } from 'node:crypto';
import type { PemPair } from '../tls/certificates.js';

/** SHA-256 of the certificate's SubjectPublicKeyInfo (the first certificate of a PEM chain). */
export function publicKeyPin(certificate: X509Certificate | string): string {
  const x509 = typeof certificate === 'string' ? new X509Certificate(certificate) : certificate;
  return createHash('sha256').update(x509.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
}

/**
 * The key of the certificate served now, and the one served before it: after a renewal, a replica that has not picked
 * the new certificate up yet is still trusted by those that have (the other way round it is marked as not answering).
 */
export class CertificatePins {
  private seenPem: string | undefined;
  private pins: string[] = [];

  constructor(private readonly current: () => PemPair) {}

  trusts(certificate: X509Certificate): boolean {
    this.refresh();
    return this.pins.includes(publicKeyPin(certificate));
  }

  private refresh(): void {
    const pem = this.current().cert;
    if (pem === this.seenPem) return;
    this.seenPem = pem;
    const pin = publicKeyPin(pem);
    this.pins = [pin, ...this.pins.filter((p) => p !== pin)].slice(0, 2);
  }
}
