// The key types of the certificates riskgate makes (ECDSA P-256 by default, RSA 2048), and the type of a certificate's key, without loading the certificate maker.
import { X509Certificate } from 'node:crypto';

/**
 * ECDSA P-256 signs a TLS handshake about ten times faster than RSA 2048, which counts when the API server opens many
 * connections at once (a restart, a scale-up); RSA for clients that want it.
 */
export type KeyType = 'ecdsa' | 'rsa';
export const KEY_TYPES: readonly KeyType[] = ['ecdsa', 'rsa'];
export const DEFAULT_KEY_TYPE: KeyType = 'ecdsa';

/** The type of a certificate's key: `ecdsa`, `rsa`, or undefined for another kind or an unreadable certificate. */
export function keyTypeOf(certPem: string): KeyType | undefined {
  try {
    const type = new X509Certificate(certPem).publicKey.asymmetricKeyType;
    return type === 'ec' ? 'ecdsa' : type === 'rsa' ? 'rsa' : undefined;
  } catch {
    return undefined;
  }
}
