// Makes a CA and CA-signed serving certificates with node-forge (pure: PEM strings in, PEM strings out, no files).
import forge from 'node-forge';
import { randomBytes } from 'node:crypto';

const { pki } = forge;

export interface PemPair {
  cert: string;
  key: string;
}

export interface CaOptions {
  commonName: string;
  now: Date;
  days: number;
}

export interface ServingCertOptions {
  ca: PemPair;
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
  now: Date;
  days: number;
}

const KEY_BITS = 2048;

/** 16 random bytes, positive (first bit cleared), as RFC 5280 asks of serial numbers. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate, now: Date, days: number): void {
  // Back-date by 5 minutes so clocks slightly behind still accept a fresh certificate.
  cert.validity.notBefore = new Date(now.getTime() - 5 * 60 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + days * 24 * 60 * 60 * 1000);
}

export function createCa({ commonName, now, days }: CaOptions): PemPair {
  const keys = pki.rsa.generateKeyPair({ bits: KEY_BITS });
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerial();
  validity(cert, now, days);
  const subject = [{ name: 'commonName', value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert: pki.certificateToPem(cert), key: pki.privateKeyToPem(keys.privateKey) };
}

export function createServingCert({ ca, commonName, dnsNames, ipAddresses, now, days }: ServingCertOptions): PemPair {
  const caCert = pki.certificateFromPem(ca.cert);
  const caKey = pki.privateKeyFromPem(ca.key);
  const keys = pki.rsa.generateKeyPair({ bits: KEY_BITS });
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerial();
  validity(cert, now, days);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [...dnsNames.map((value) => ({ type: 2, value })), ...ipAddresses.map((ip) => ({ type: 7, ip }))],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { cert: pki.certificateToPem(cert), key: pki.privateKeyToPem(keys.privateKey) };
}

/** notAfter of a PEM certificate. */
/** The DNS names a Kubernetes Service is reached by: NAME, NAME.NS, NAME.NS.svc, NAME.NS.svc.cluster.local. */
export function serviceDnsNames(service: string, namespace: string, clusterDomain = 'cluster.local'): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.${clusterDomain}`];
}
