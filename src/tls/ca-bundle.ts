// The caBundle a webhook configuration trusts: PEM bundles split and joined, and the overlap bundle (new CA + old CAs) during renewal.
import { X509Certificate } from 'node:crypto';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle, each normalized to one block ending with a newline; non-certificate text is dropped. */
export function splitPemBundle(bundle: string): string[] {
  return (bundle.match(PEM_BLOCK) ?? []).map((block) => `${block.trim()}\n`);
}

export function joinPemBundle(certificates: readonly string[]): string {
  return certificates.map((c) => (c.endsWith('\n') ? c : `${c}\n`)).join('');
}

function fingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

function stillValid(pem: string, now: Date): boolean {
  return new Date(new X509Certificate(pem).validTo).getTime() > now.getTime();
}

/**
 * The bundle to trust while a renewed certificate rolls out: the new CA first, then every CA of the previous bundle that
 * has not expired yet (so servers still presenting a certificate of the old CA keep being trusted), without duplicates.
 */
export function overlapBundle(newCa: string, previousBundle: string, now: Date): string {
  const [first] = splitPemBundle(newCa);
  if (!first) throw new Error('overlapBundle: the new CA is not a PEM certificate');
  const seen = new Set([fingerprint(first)]);
  const kept = splitPemBundle(previousBundle).filter((pem) => {
    const id = fingerprint(pem);
    if (seen.has(id) || !stillValid(pem, now)) return false;
    seen.add(id);
    return true;
  });
  return joinPemBundle([first, ...kept]);
}

/** The caBundle field of a webhook clientConfig: the PEM bundle, base64-encoded. */
export function caBundleBase64(bundle: string): string {
  return Buffer.from(bundle, 'utf8').toString('base64');
}

export function caBundleFromBase64(value: string): string {
  return Buffer.from(value, 'base64').toString('utf8');
}
