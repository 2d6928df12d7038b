// Stable detection ids for riskgate's own rules: UUIDv5 (RFC 9562, SHA-1 name-based) of the rule id, so every export gives the same id.
import { createHash } from 'node:crypto';

/** RFC 9562 namespace for DNS names. */
const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

function bytesOf(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function formatted(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1').update(bytesOf(namespace)).update(name, 'utf8').digest().subarray(0, 16);
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  return formatted(hash);
}

/** The namespace of riskgate's rule ids: UUIDv5 of the DNS name riskgate.io. */
export const RISKGATE_UUID_NAMESPACE = uuidV5('riskgate.io', DNS_NAMESPACE);

/** The detection id of a riskgate rule (not an ESCU seed). */
export function ruleUuid(ruleId: string): string {
  return uuidV5(ruleId, RISKGATE_UUID_NAMESPACE);
}
