// The certificates riskgate makes, ECDSA P-256 by default or RSA 2048: each pass a real TLS handshake against their CA, in every CA/serving combination, from every maker (certs, dev certificate, --manage-certs).
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCerts } from '../../src/cli/certs-command.js';
import { CertificateManager } from '../../src/cluster/certificate-manager.js';
import type { CertificateManagerOptions, ServedCertificate } from '../../src/cluster/certificate-manager.js';
import { caBundleFromBase64, splitPemBundle } from '../../src/tls/ca-bundle.js';
import { ensureDevCertificates } from '../../src/tls/cert-files.js';
import { createCa, createServingCert } from '../../src/tls/certificates.js';
import { keyTypeOf } from '../../src/tls/key-type.js';
import type { KeyType } from '../../src/tls/key-type.js';
import { KubeApiDouble } from './kube-api-double.js';
import { handshake } from './tls-handshake.js';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const COMBINATIONS: Array<[KeyType, KeyType]> = [['ecdsa', 'ecdsa'], ['ecdsa', 'rsa'], ['rsa', 'ecdsa'], ['rsa', 'rsa']];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'riskgate-key-types-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test.each(COMBINATIONS)('a %s CA and a %s serving certificate: handshakes for its names only, server usage, a key that matches', async (caType, servingType) => {
  const now = new Date();
  const ca = createCa({ commonName: 'key type CA', now, days: 30, keyType: caType });
  const serving = createServingCert({ ca, commonName: 'riskgate.ns.svc', dnsNames: ['riskgate.ns.svc', 'localhost'], ipAddresses: ['127.0.0.1'], now, days: 10, keyType: servingType });
  expect([keyTypeOf(ca.cert), keyTypeOf(serving.cert)]).toEqual([caType, servingType]);
  for (const name of ['riskgate.ns.svc', 'localhost']) expect(await handshake(serving, ca.cert, name)).toBe('ok');
  expect(await handshake(serving, ca.cert, 'other.ns.svc')).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  const leaf = new X509Certificate(serving.cert);
  const root = new X509Certificate(ca.cert);
  expect(leaf.checkIssued(root) && leaf.verify(root.publicKey)).toBe(true);
  expect(root.verify(root.publicKey) && root.ca).toBe(true);
  expect(leaf.ca).toBe(false);
  expect(leaf.keyUsage).toContain(SERVER_AUTH);
  expect(leaf.checkPrivateKey(createPrivateKey(serving.key))).toBe(true);
  expect(leaf.subjectAltName).toBe('DNS:riskgate.ns.svc, DNS:localhost, IP Address:127.0.0.1');
  // A positive serial in its shortest form: 16 bytes, the first neither zero nor with its top bit set.
  expect(leaf.serialNumber).toMatch(/^(0[1-9A-F]|[1-7][0-9A-F])[0-9A-F]{30}$/);
  expect(new Date(leaf.validTo).getTime() - now.getTime()).toBeGreaterThan(9.9 * 24 * 3600 * 1000);
});

test('riskgate certs makes ECDSA P-256 unless asked for RSA', async () => {
  await runCerts({ service: 'riskgate', namespace: 'riskgate', out: join(dir, 'ec'), days: 30, clusterDomain: 'cluster.local', force: false });
  await runCerts({ service: 'riskgate', namespace: 'riskgate', out: join(dir, 'rsa'), days: 30, clusterDomain: 'cluster.local', force: false, keyType: 'rsa' });
  const read = (sub: string, name: string) => readFileSync(join(dir, sub, name), 'utf8');
  expect(new X509Certificate(read('ec', 'tls.crt')).publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
  expect(read('ec', 'tls.key')).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
  expect(new X509Certificate(read('rsa', 'tls.crt')).publicKey.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048 });
  expect(read('rsa', 'tls.key')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
  for (const sub of ['ec', 'rsa']) expect(await handshake({ cert: read(sub, 'tls.crt'), key: read(sub, 'tls.key') }, read(sub, 'ca.crt'), 'riskgate.riskgate.svc')).toBe('ok');
});

test('the dev certificate: a serving key of the other type is made anew under the same CA; the same type is reused', async () => {
  const rsa = await ensureDevCertificates(dir, '127.0.0.1', new Date(), 'rsa');
  const ca = readFileSync(rsa.files.ca, 'utf8');
  expect(rsa.created).toBe('ca+serving');
  expect(keyTypeOf(readFileSync(rsa.files.cert, 'utf8'))).toBe('rsa');
  const ec = await ensureDevCertificates(dir, '127.0.0.1');
  expect(ec.created).toBe('serving');
  const served = { cert: readFileSync(ec.files.cert, 'utf8'), key: readFileSync(ec.files.key, 'utf8') };
  expect(keyTypeOf(served.cert)).toBe('ecdsa');
  expect(readFileSync(ec.files.ca, 'utf8')).toBe(ca);
  expect(await handshake(served, ca, 'localhost')).toBe('ok');
  expect((await ensureDevCertificates(dir, '127.0.0.1')).created).toBe('none');
});

describe('--manage-certs', () => {
  const OPTIONS: CertificateManagerOptions = { service: 'riskgate', namespace: 'riskgate', webhookConfig: 'riskgate', secret: 'riskgate-tls', validityDays: 365, renewBeforeDays: 60 };
  let api: KubeApiDouble;
  beforeEach(async () => {
    api = new KubeApiDouble();
    await api.start();
    api.addWebhookConfig('riskgate', ['enforce.riskgate.io']);
  });
  afterEach(() => api.stop());

  test('issues ECDSA by default; a stored certificate of the other type is renewed with the old CA still trusted', async () => {
    const served: ServedCertificate[] = [];
    await new CertificateManager(api.kubeConfig(), { ...OPTIONS, keyType: 'rsa' }, (c) => served.push(c)).reconcile();
    expect(keyTypeOf(served[0]!.cert)).toBe('rsa');
    const manager = new CertificateManager(api.kubeConfig(), { ...OPTIONS, keyType: 'ecdsa' }, (c) => served.push(c));
    // A fresh replica serves what it issued at once (it had nothing to serve before).
    expect(await manager.reconcile()).toMatchObject({ secret: 'renewed', webhook: 'patched', served: true });
    const renewed = served[served.length - 1]!;
    expect(keyTypeOf(renewed.cert)).toBe('ecdsa');
    const bundle = caBundleFromBase64(api.webhookConfigs.get('riskgate')!.webhooks[0].clientConfig.caBundle);
    expect(splitPemBundle(bundle)).toHaveLength(2);
    for (const certificate of [served[0]!, renewed]) expect(await handshake(certificate, bundle, 'riskgate.riskgate.svc')).toBe('ok');
    expect(await new CertificateManager(api.kubeConfig(), OPTIONS, () => undefined).reconcile()).toMatchObject({ secret: 'loaded', webhook: 'unchanged' });
    const fresh: ServedCertificate[] = [];
    api.addWebhookConfig('other', ['enforce.riskgate.io']);
    expect(await new CertificateManager(api.kubeConfig(), { ...OPTIONS, secret: 'other-tls', webhookConfig: 'other' }, (c) => fresh.push(c)).reconcile()).toMatchObject({ secret: 'created' });
    expect(keyTypeOf(fresh[0]!.cert)).toBe('ecdsa');
  });
});
