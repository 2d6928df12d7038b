// Certificate reload without restart: rewriting the cert/key files makes new connections see the new certificate, with no failed handshake.
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServingCert } from '../../src/tls/certificates.js';
import { capturedReview } from '../fixture-path.js';
import { makeTestPki, TlsClient } from './tls-harness.js';
import { serveForTest, tempDir } from './serve-harness.js';
import type { ServeUnderTest } from './serve-harness.js';

const pki = makeTestPki();
const renewed = createServingCert({ ca: pki.ca, commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], now: new Date(), days: 3 });
const serial = (pem: string) => new X509Certificate(pem).serialNumber;

/** Opens a new TLS connection per request, as fast as it can, until stopped; counts answers and failures. */
function hammer(port: number) {
  let running = true;
  const stats = { ok: 0, failed: [] as string[], serials: new Set<string>() };
  const done = (async () => {
    while (running) {
      const client = new TlsClient(port, pki.ca.cert, false);
      try {
        const answer = await client.postJson('/validate', capturedReview('002'));
        if (answer.status === 200) stats.ok++;
        else stats.failed.push(`HTTP ${answer.status}`);
        if (answer.serverSerial) stats.serials.add(answer.serverSerial);
      } catch (error) {
        stats.failed.push((error as Error).message);
      } finally {
        client.close();
      }
    }
  })();
  return { stats, stop: async () => { running = false; await done; } };
}

describe('TLS certificate reload', () => {
  const tmp = tempDir('tls');
  const certFile = join(tmp.dir, 'tls.crt');
  const keyFile = join(tmp.dir, 'tls.key');
  let s: ServeUnderTest;
  let caFile: string;

  beforeAll(async () => {
    writeFileSync(certFile, pki.serving.cert);
    writeFileSync(keyFile, pki.serving.key);
    caFile = join(tmp.dir, 'ca.crt');
    writeFileSync(caFile, pki.ca.cert);
    s = await serveForTest({ tlsCert: certFile, tlsKey: keyFile, certsDir: join(tmp.dir, 'unused') }, caFile);
  });
  afterAll(async () => {
    await s.stop();
    tmp.remove();
  });

  test('serves the certificate of --tls-cert', async () => {
    expect((await s.client.send('GET', '/healthz')).serverSerial).toBe(serial(pki.serving.cert));
  });

  test('a new certificate without its key is not applied: the old one keeps serving', async () => {
    const from = s.logs.lines.length;
    writeFileSync(certFile, renewed.cert);
    const line = await s.logs.waitFor('TLS files not usable (yet), keeping the current certificate', {}, from);
    expect(String(line['reason'])).toContain('not a usable certificate and key');
    const fresh = new TlsClient(s.serve.address.port, pki.ca.cert, false);
    expect((await fresh.send('GET', '/healthz')).serverSerial).toBe(serial(pki.serving.cert));
    fresh.close();
    writeFileSync(certFile, pki.serving.cert);
    // Let the watcher (20 ms debounce here) see the restored pair, so the next half-written state is logged afresh.
    await new Promise((resolve) => setTimeout(resolve, 300));
  });

  test('rewriting both files under load: new connections get the new certificate, no handshake fails', async () => {
    const keptAlive = new TlsClient(s.serve.address.port, pki.ca.cert, true);
    const first = await keptAlive.send('GET', '/healthz');
    expect(first.serverSerial).toBe(serial(pki.serving.cert));
    const load = hammer(s.serve.address.port);
    const from = s.logs.lines.length;
    writeFileSync(certFile, renewed.cert);
    // The half-written state (new certificate, old key) is seen and skipped while connections keep coming.
    await s.logs.waitFor('TLS files not usable (yet), keeping the current certificate', {}, from);
    const during = load.stats.ok;
    writeFileSync(keyFile, renewed.key);
    await s.logs.waitFor('TLS certificate reloaded', { cert: certFile }, from);
    const fresh = new TlsClient(s.serve.address.port, pki.ca.cert, false);
    expect((await fresh.send('GET', '/healthz')).serverSerial).toBe(serial(renewed.cert));
    fresh.close();
    await load.stop();
    expect(load.stats.failed).toEqual([]);
    expect(load.stats.ok).toBeGreaterThan(during);
    expect(load.stats.serials).toEqual(new Set([serial(pki.serving.cert), serial(renewed.cert)]));
    // The keep-alive connection opened before the swap is still the same connection, and still answers.
    const again = await keptAlive.postJson('/validate', capturedReview('001'));
    expect(again.status).toBe(200);
    expect(again.localPort).toBe(first.localPort);
    keptAlive.close();
  });
});
