// The serving certificate on disk: reads --tls-cert/--tls-key, or creates (and next time reuses) a dev CA + certificate under certs/.
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { RiskgateError } from '../riskgate-error.js';
import type { PemPair } from './certificates.js';
import { DEFAULT_KEY_TYPE, keyTypeOf } from './key-type.js';
import type { KeyType } from './key-type.js';
import { makeDirectoryTree } from '../files/directory-tree.js';

export interface TlsFiles {
  cert: string;
  key: string;
}

/** File names as a Kubernetes TLS Secret (and `riskgate certs`) name them. */
export const DEV_CERT_FILES = { caCert: 'ca.crt', caKey: 'ca.key', cert: 'tls.crt', key: 'tls.key' } as const;

const CA_DAYS = 3650;
const SERVING_DAYS = 365;
/** A certificate that expires sooner than this is made anew at start-up. */
const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

/** Reads a cert/key pair and checks that they belong together; errors name the file. */
export function readTlsFiles(files: TlsFiles): PemPair {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new RiskgateError('TLS_UNREADABLE', `${file}: cannot read the TLS ${what} (${(error as NodeJS.ErrnoException).code ?? 'EIO'})`);
    }
  };
  const pair = { cert: read(files.cert, 'certificate'), key: read(files.key, 'private key') };
  checkPair(pair, files);
  return pair;
}

/** Throws when the PEMs do not parse or the key does not match the certificate. */
export function checkPair(pair: PemPair, files: TlsFiles): void {
  try {
    createSecureContext({ cert: pair.cert, key: pair.key });
  } catch (error) {
    throw new RiskgateError('TLS_INVALID', `${files.cert} + ${files.key}: not a usable certificate and key (${(error as Error).message})`);
  }
}

/** The names a local dev certificate covers: localhost, 127.0.0.1, ::1, plus the --host if it is a specific name or address. */
export function devSubjectNames(host: string): { dnsNames: string[]; ipAddresses: string[] } {
  const dnsNames = ['localhost'];
  const ipAddresses = ['127.0.0.1', '::1'];
  const unspecified = ['', '0.0.0.0', '::'];
  if (!unspecified.includes(host)) {
    if (isIP(host)) {
      if (!ipAddresses.includes(host)) ipAddresses.push(host);
    } else if (!dnsNames.includes(host)) dnsNames.push(host);
  }
  return { dnsNames, ipAddresses };
}

function covers(pem: string, names: { dnsNames: string[]; ipAddresses: string[] }, now: Date): boolean {
  try {
    const cert = new X509Certificate(pem);
    if (new Date(cert.validTo).getTime() - now.getTime() < RENEW_BEFORE_MS) return false;
    return names.dnsNames.every((n) => cert.checkHost(n) !== undefined) && names.ipAddresses.every((ip) => cert.checkIP(ip) !== undefined);
  } catch {
    return false;
  }
}

function readIfPresent(dir: string, certName: string, keyName: string): PemPair | undefined {
  const cert = join(dir, certName);
  const key = join(dir, keyName);
  if (!existsSync(cert) || !existsSync(key)) return undefined;
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}

function writePair(dir: string, certName: string, keyName: string, pair: PemPair): void {
  writeFileSync(join(dir, certName), pair.cert, { mode: 0o644 });
  writeFileSync(join(dir, keyName), pair.key, { mode: 0o600 });
  chmodSync(join(dir, keyName), 0o600);
}

export interface DevCertificates {
  files: TlsFiles & { ca: string };
  /** What had to be made this time: nothing, the serving certificate, or the CA and the serving certificate. */
  created: 'none' | 'serving' | 'ca+serving';
}

/**
 * Reuses certs/ca.crt, ca.key, tls.crt, tls.key when they are valid for 30 more days and cover the names, and the
 * serving key is of `keyType`; otherwise makes what is missing (a new CA only when the old one is unusable, so a trusted
 * CA stays trusted: an RSA CA signs an ECDSA serving certificate as well). node-forge (11 MiB of a server's memory) is
 * loaded only when something has to be made.
 */
export async function ensureDevCertificates(dir: string, host: string, now: Date = new Date(), keyType: KeyType = DEFAULT_KEY_TYPE): Promise<DevCertificates> {
  makeDirectoryTree(dir);
  const names = devSubjectNames(host);
  const files = { ca: join(dir, DEV_CERT_FILES.caCert), cert: join(dir, DEV_CERT_FILES.cert), key: join(dir, DEV_CERT_FILES.key) };
  let ca = readIfPresent(dir, DEV_CERT_FILES.caCert, DEV_CERT_FILES.caKey);
  let created: DevCertificates['created'] = 'none';
  if (!ca || !covers(ca.cert, { dnsNames: [], ipAddresses: [] }, now)) {
    const { createCa } = await import('./certificates.js');
    ca = createCa({ commonName: 'riskgate local CA', now, days: CA_DAYS, keyType });
    writePair(dir, DEV_CERT_FILES.caCert, DEV_CERT_FILES.caKey, ca);
    created = 'ca+serving';
  }
  const serving = readIfPresent(dir, DEV_CERT_FILES.cert, DEV_CERT_FILES.key);
  const signedByCa = serving !== undefined && issuedBy(serving.cert, ca.cert);
  if (created !== 'none' || !serving || !signedByCa || !covers(serving.cert, names, now) || keyTypeOf(serving.cert) !== keyType) {
    const { createServingCert } = await import('./certificates.js');
    writePair(dir, DEV_CERT_FILES.cert, DEV_CERT_FILES.key, createServingCert({ ca, commonName: 'localhost', ...names, now, days: SERVING_DAYS, keyType }));
    if (created === 'none') created = 'serving';
  }
  return { files, created };
}

function issuedBy(certPem: string, caPem: string): boolean {
  try {
    return new X509Certificate(certPem).verify(new X509Certificate(caPem).publicKey);
  } catch {
    return false;
  }
}
