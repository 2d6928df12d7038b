// Makes a CA and CA-signed serving certificates, ECDSA P-256 or RSA 2048 (pure: PEM strings in, PEM strings out, no files): keys and signatures by node:crypto, the DER by node-forge's ASN.1 writer.
import forge from 'node-forge';
import { X509Certificate, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { DEFAULT_KEY_TYPE } from './key-type.js';
import type { KeyType } from './key-type.js';

const { asn1, pki } = forge;

export interface PemPair {
  cert: string;
  key: string;
}


export interface CaOptions {
  commonName: string;
  now: Date;
  days: number;
  keyType?: KeyType;
}

export interface ServingCertOptions {
  ca: PemPair;
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
  now: Date;
  days: number;
  /** The serving key's type (the CA may have the other one). */
  keyType?: KeyType;
}

const OID = {
  sha256WithRsa: '1.2.840.113549.1.1.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const;

type Asn1 = forge.asn1.Asn1;

function node(type: number, value: string | Asn1[]): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, type, Array.isArray(value), value);
}

function bytes(der: Asn1): Buffer {
  return Buffer.from(asn1.toDer(der).getBytes(), 'binary');
}

/** node-forge's DER reader with its options object (its type definitions know only `strict`). */
const fromDer = asn1.fromDer as unknown as (der: string, options: { decodeBitStrings: boolean }) => Asn1;

/** DER → ASN.1 tree; BIT STRING contents stay bytes (not parsed as ASN.1 where they happen to be). */
function fromBytes(buffer: Buffer): Asn1 {
  return fromDer(buffer.toString('binary'), { decodeBitStrings: false });
}

/** 16 random bytes, a positive INTEGER in its shortest DER form (RFC 5280; Go refuses a leading zero byte). */
function randomSerial(): Asn1 {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) || 0x01;
  return node(asn1.Type.INTEGER, serial.toString('binary'));
}

function time(date: Date): Asn1 {
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050 ? node(asn1.Type.UTCTIME, asn1.dateToUtcTime(date)) : node(asn1.Type.GENERALIZEDTIME, asn1.dateToGeneralizedTime(date));
}

/** Back-dated by 5 minutes so clocks slightly behind still accept a fresh certificate. */
function validity(now: Date, days: number): Asn1 {
  return node(asn1.Type.SEQUENCE, [time(new Date(now.getTime() - 5 * 60 * 1000)), time(new Date(now.getTime() + days * 24 * 60 * 60 * 1000))]);
}

function commonNameAsn1(commonName: string): Asn1 {
  const scratch = pki.createCertificate();
  scratch.setSubject([{ name: 'commonName', value: commonName }]);
  return pki.distinguishedNameToAsn1(scratch.subject);
}

function newKey(type: KeyType): KeyObject {
  return type === 'ecdsa' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

function keyPem(key: KeyObject): string {
  return key.export({ type: key.asymmetricKeyType === 'ec' ? 'sec1' : 'pkcs1', format: 'pem' }).toString();
}

function spkiOf(key: KeyObject): Buffer {
  return createPublicKey(key).export({ type: 'spki', format: 'der' });
}

/** The subject key identifier of RFC 5280 4.2.1.2 (1): SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(spki: Buffer): string {
  const bits = fromBytes(spki).value[1] as Asn1;
  return createHash('sha1').update(Buffer.from((bits.value as string).slice(1), 'binary')).digest('binary');
}

/** sha256WithRSAEncryption (with its NULL) or ecdsa-with-SHA256 (without parameters, RFC 5758), for the signer's key. */
function signatureAlgorithm(signer: KeyObject): Asn1 {
  return signer.asymmetricKeyType === 'ec'
    ? node(asn1.Type.SEQUENCE, [node(asn1.Type.OID, asn1.oidToDer(OID.ecdsaWithSha256).getBytes())])
    : node(asn1.Type.SEQUENCE, [node(asn1.Type.OID, asn1.oidToDer(OID.sha256WithRsa).getBytes()), node(asn1.Type.NULL, '')]);
}

/** node-forge's writer of the [3] extensions block (not in its type definitions). */
const { certificateExtensionsToAsn1 } = pki as unknown as { certificateExtensionsToAsn1(extensions: unknown[]): Asn1 };

function extensionsAsn1(extensions: object[]): Asn1 {
  const scratch = pki.createCertificate();
  scratch.setExtensions(extensions);
  return certificateExtensionsToAsn1(scratch.extensions as unknown[]);
}

interface Unsigned {
  issuer: Asn1;
  subject: Asn1;
  spki: Buffer;
  now: Date;
  days: number;
  extensions: object[];
}

/** A v3 certificate over `spki`, signed by `signer` (its own key for a CA). */
function signedCertificate(unsigned: Unsigned, signer: KeyObject): string {
  const algorithm = signatureAlgorithm(signer);
  const tbs = node(asn1.Type.SEQUENCE, [
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [node(asn1.Type.INTEGER, String.fromCharCode(2))]),
    randomSerial(),
    algorithm,
    unsigned.issuer,
    validity(unsigned.now, unsigned.days),
    unsigned.subject,
    fromBytes(unsigned.spki),
    extensionsAsn1(unsigned.extensions),
  ]);
  const tbsBytes = bytes(tbs);
  const signature = sign('sha256', tbsBytes, signer);
  const certificate = node(asn1.Type.SEQUENCE, [tbs, algorithm, node(asn1.Type.BITSTRING, `\u0000${signature.toString('binary')}`)]);
  return new X509Certificate(bytes(certificate)).toString();
}

export function createCa({ commonName, now, days, keyType = DEFAULT_KEY_TYPE }: CaOptions): PemPair {
  const key = newKey(keyType);
  const spki = spkiOf(key);
  const name = commonNameAsn1(commonName);
  const cert = signedCertificate(
    {
      issuer: name,
      subject: name,
      spki,
      now,
      days,
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
        { name: 'subjectKeyIdentifier', value: node(asn1.Type.OCTETSTRING, keyIdentifier(spki)) },
      ],
    },
    key,
  );
  return { cert, key: keyPem(key) };
}

/** The CA certificate's subject, as the issuer of what it signs. */
function subjectOf(caPem: string): Asn1 {
  const tbs = (fromBytes(new X509Certificate(caPem).raw).value as Asn1[])[0]!;
  const fields = tbs.value as Asn1[];
  const versioned = fields[0]!.tagClass === asn1.Class.CONTEXT_SPECIFIC;
  return fields[versioned ? 5 : 4]!;
}

export function createServingCert({ ca, commonName, dnsNames, ipAddresses, now, days, keyType = DEFAULT_KEY_TYPE }: ServingCertOptions): PemPair {
  const caKey = createPrivateKey(ca.key);
  const key = newKey(keyType);
  const spki = spkiOf(key);
  const caSpki = new X509Certificate(ca.cert).publicKey.export({ type: 'spki', format: 'der' });
  const cert = signedCertificate(
    {
      issuer: subjectOf(ca.cert),
      subject: commonNameAsn1(commonName),
      spki,
      now,
      days,
      extensions: [
        { name: 'basicConstraints', cA: false },
        // An ECDSA key only signs; an RSA key may also be used for (TLS 1.2 RSA) key transport.
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: keyType === 'rsa', critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [...dnsNames.map((value) => ({ type: 2, value })), ...ipAddresses.map((ip) => ({ type: 7, ip }))],
        },
        { name: 'subjectKeyIdentifier', value: node(asn1.Type.OCTETSTRING, keyIdentifier(spki)) },
        { name: 'authorityKeyIdentifier', keyIdentifier: keyIdentifier(caSpki) },
      ],
    },
    caKey,
  );
  return { cert, key: keyPem(key) };
}

/** The DNS names a Kubernetes Service is reached by: NAME, NAME.NS, NAME.NS.svc, NAME.NS.svc.cluster.local. */
export function serviceDnsNames(service: string, namespace: string, clusterDomain = 'cluster.local'): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.${clusterDomain}`];
}
