// Certificate self-management against a local HTTPS double of the Kubernetes API (real paths, verbs, content types, conflicts).
import { X509Certificate } from 'node:crypto';
import { CertificateManager } from '../../src/cluster/certificate-manager.js';
import type { CertificateManagerOptions, ServedCertificate } from '../../src/cluster/certificate-manager.js';
import { CA_GENERATION_ANNOTATION, WebhookCaBundle } from '../../src/cluster/webhook-ca-bundle.js';
import { caBundleFromBase64, splitPemBundle } from '../../src/tls/ca-bundle.js';
import { serviceDnsNames } from '../../src/tls/certificates.js';
import { KubeApiDouble } from './kube-api-double.js';
import { handshake } from './tls-handshake.js';

const DAY = 24 * 60 * 60 * 1000;
const OPTIONS: CertificateManagerOptions = { service: 'riskgate', namespace: 'riskgate', webhookConfig: 'riskgate', secret: 'riskgate-tls', validityDays: 365, renewBeforeDays: 60 };
const SECRETS = '/api/v1/namespaces/riskgate/secrets';
const VWC = '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/riskgate';

let api: KubeApiDouble;
beforeEach(async () => {
  api = new KubeApiDouble();
  await api.start();
  api.addWebhookConfig('riskgate', ['enforce.riskgate.io', 'observe.riskgate.io']);
});
afterEach(() => api.stop());

function replica(served: ServedCertificate[] = []): CertificateManager {
  return new CertificateManager(api.kubeConfig(), OPTIONS, (c) => served.push(c));
}

function webhookBundles(): string[] {
  return api.webhookConfigs.get('riskgate')!.webhooks.map((w: { clientConfig: { caBundle?: string } }) => caBundleFromBase64(w.clientConfig.caBundle ?? ''));
}

function secretData(key: string): string {
  return Buffer.from(api.secrets.get('riskgate/riskgate-tls')!.data[key], 'base64').toString('utf8');
}

/** A real TLS handshake, trusting exactly what the API server would trust (the caBundle), for every Service name. */
async function trustedForEveryName(served: ServedCertificate): Promise<string[]> {
  const [bundle] = webhookBundles();
  return Promise.all(serviceDnsNames('riskgate', 'riskgate').map((name) => handshake(served, bundle as string, name)));
}

describe('certificate self-management', () => {
  test('first start: creates the Secret, patches both caBundles with a JSON patch, then serves a certificate they trust', async () => {
    const served: ServedCertificate[] = [];
    const result = await replica(served).reconcile();
    expect(result).toMatchObject({ secret: 'created', generation: 1, webhook: 'patched', served: true });
    expect(api.calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      `GET ${SECRETS}/riskgate-tls 404`,
      `POST ${SECRETS} 201`,
      `GET ${VWC} 200`,
      `PATCH ${VWC} 200`,
    ]);
    expect(api.calls[3]!.contentType).toBe('application/json-patch+json');
    const secret = api.secrets.get('riskgate/riskgate-tls')!;
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(Object.keys(secret.data).sort()).toEqual(['ca-bundle.crt', 'ca.crt', 'tls.crt', 'tls.key']);
    expect(served).toHaveLength(1);
    expect(served[0]!.cert).toBe(secretData('tls.crt'));
    expect(webhookBundles()).toEqual([secretData('ca.crt'), secretData('ca.crt')]);
    expect(api.webhookConfigs.get('riskgate')!.metadata.annotations[CA_GENERATION_ANNOTATION]).toBe('1');
    expect(await trustedForEveryName(served[0]!)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  test('a second replica reads the same Secret and changes nothing', async () => {
    await replica().reconcile();
    const before = api.writes().length;
    const served: ServedCertificate[] = [];
    expect(await replica(served).reconcile()).toMatchObject({ secret: 'loaded', webhook: 'unchanged', served: true });
    expect(api.writes()).toHaveLength(before);
    expect(served[0]!.cert).toBe(secretData('tls.crt'));
  });

  test('renewal well before expiry: old and new CA both trusted during the overlap; the new certificate is served one round after its CA', async () => {
    const now = Date.now();
    const served: ServedCertificate[] = [];
    const manager = replica(served);
    await manager.reconcile(new Date(now - 310 * DAY));
    const old = served[0]!;
    expect(await manager.reconcile(new Date(now - 300 * DAY))).toMatchObject({ secret: 'loaded', served: false });
    const renewal = await manager.reconcile(new Date(now));
    expect(renewal).toMatchObject({ secret: 'renewed', generation: 2, webhook: 'patched', served: false, pending: true });
    expect(served).toHaveLength(1);
    expect(await manager.reconcile(new Date(now))).toMatchObject({ secret: 'loaded', webhook: 'unchanged', served: true, pending: false });
    const put = api.calls.find((c) => c.method === 'PUT')!;
    expect(put.path).toBe(`${SECRETS}/riskgate-tls`);
    expect((put.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion).toMatch(/^\d+$/);
    const renewed = served[1]!;
    expect(renewed.cert).not.toBe(old.cert);
    expect(splitPemBundle(webhookBundles()[0]!)).toEqual([renewed.ca, old.ca].map((p) => `${p.trim()}\n`));
    expect(await trustedForEveryName(old)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(await trustedForEveryName(renewed)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(Math.round((manager.expiry()!.getTime() - now) / DAY)).toBe(365);
  });

  test('two replicas renewing at once: one PUT wins, the other gets 409 Conflict and adopts the winner', async () => {
    const now = Date.now();
    await replica().reconcile(new Date(now - 310 * DAY));
    // Both replicas read the Secret before either writes: the double holds the first two GETs until both have arrived.
    let release: () => void = () => undefined;
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    let reads = 0;
    api.beforeHandle = async (method, path) => {
      if (method !== 'GET' || !path.endsWith('/riskgate-tls')) return;
      if (++reads === 2) release();
      await bothRead;
    };
    const a: ServedCertificate[] = [];
    const b: ServedCertificate[] = [];
    const [ra, rb] = await Promise.all([replica(a).reconcile(new Date(now)), replica(b).reconcile(new Date(now))]);
    api.beforeHandle = undefined;
    expect([ra.generation, rb.generation]).toEqual([2, 2]);
    expect(api.calls.filter((c) => c.method === 'PUT').map((c) => c.status).sort()).toEqual([200, 409]);
    expect(a[0]!.cert).toBe(b[0]!.cert);
    expect(a[0]!.cert).toBe(secretData('tls.crt'));
    expect(webhookBundles()[0]).toBe(secretData('ca-bundle.crt'));
    expect(await trustedForEveryName(a[0]!)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  test('a replica holding an older generation never overwrites a newer caBundle', async () => {
    const now = Date.now();
    await replica().reconcile(new Date(now - 310 * DAY));
    const gen1Bundle = secretData('ca-bundle.crt');
    await replica().reconcile(new Date(now));
    const patches = api.calls.filter((c) => c.method === 'PATCH').length;
    expect(await new WebhookCaBundle(api.kubeConfig(), 'riskgate').sync(gen1Bundle, 1)).toBe('newer');
    expect(api.calls.filter((c) => c.method === 'PATCH')).toHaveLength(patches);
    expect(webhookBundles()[0]).toBe(secretData('ca-bundle.crt'));
  });

  test('a configuration changed between GET and PATCH fails the JSON patch test (422) and the round retries', async () => {
    await replica().reconcile();
    let raced = false;
    api.mutate('vwc', 'riskgate', (o) => {
      o.webhooks[0].clientConfig.caBundle = Buffer.from('stale').toString('base64');
    });
    api.beforeHandle = (method) => {
      if (method === 'PATCH' && !raced) {
        raced = true;
        api.mutate('vwc', 'riskgate', (o) => {
          o.metadata.annotations[CA_GENERATION_ANNOTATION] = '1';
          o.webhooks[1].clientConfig.caBundle = Buffer.from('also stale').toString('base64');
        });
        api.mutate('vwc', 'riskgate', (o) => o.webhooks.reverse());
      }
    };
    expect(await replica().reconcile()).toMatchObject({ webhook: 'patched' });
    expect(api.calls.filter((c) => c.method === 'PATCH').map((c) => c.status).slice(-2)).toEqual([422, 200]);
    expect(webhookBundles()).toEqual([secretData('ca-bundle.crt'), secretData('ca-bundle.crt')]);
  });

  test('a Secret whose certificate does not cover the Service names is replaced; a missing configuration is reported, not fatal', async () => {
    const other = new CertificateManager(api.kubeConfig(), { ...OPTIONS, service: 'old-name' }, () => undefined);
    await other.reconcile();
    api.webhookConfigs.delete('riskgate');
    const served: ServedCertificate[] = [];
    expect(await replica(served).reconcile()).toMatchObject({ secret: 'renewed', webhook: 'missing', served: true });
    expect(new X509Certificate(served[0]!.cert).checkHost('riskgate.riskgate.svc')).toBe('riskgate.riskgate.svc');
    api.addWebhookConfig('riskgate', ['observe.riskgate.io']);
    expect(await replica().reconcile()).toMatchObject({ secret: 'loaded', webhook: 'patched' });
  });

  test('a token the API server rejects is an error naming the status', async () => {
    const manager = new CertificateManager(api.kubeConfig('wrong-token'), OPTIONS, () => undefined);
    await expect(manager.reconcile()).rejects.toMatchObject({ code: 401 });
    expect(api.secrets.size).toBe(0);
  });
});
