// `riskgate serve --manage-certs` end to end: the real CLI against the Kubernetes API double, through a live renewal.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { caBundleFromBase64, splitPemBundle } from '../../src/tls/ca-bundle.js';
import { KubeApiDouble } from './kube-api-double.js';

const MAIN = join(process.cwd(), 'dist', 'cli', 'main.js');
const HOST = 'riskgate.riskgate.svc';

let api: KubeApiDouble;
let dir: string;
let child: ChildProcess | undefined;

beforeEach(async () => {
  api = new KubeApiDouble();
  await api.start();
  api.addWebhookConfig('riskgate', ['enforce.riskgate.io', 'observe.riskgate.io']);
  dir = mkdtempSync(join(tmpdir(), 'riskgate-serve-certs-'));
  writeFileSync(join(dir, 'kubeconfig'), api.kubeConfigText());
});

afterEach(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
  }
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A free loopback port (serve's log lines are buffered, so the test does not wait for the "listening" line). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Started {
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

function startServe(port: number, extra: string[]): Started {
  const args = [MAIN, 'serve', '--host', '127.0.0.1', '--port', String(port), '--certs-dir', join(dir, 'certs'), '--manage-certs', '--service', 'riskgate', '--namespace', 'riskgate', '--webhook-config', 'riskgate', ...extra];
  child = spawn(process.execPath, args, { env: { ...process.env, KUBECONFIG: join(dir, 'kubeconfig') }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
  return { port, output: () => output, exited };
}

/** Polls until serve accepts a handshake the webhook configuration trusts (bounded: 200 tries, 50 ms apart). */
async function firstTrustedHandshake(started: Started): Promise<X509Certificate> {
  let last = '';
  for (let attempt = 0; attempt < 200 && child!.exitCode === null; attempt++) {
    if (api.webhookConfigs.get('riskgate')!.webhooks[0].clientConfig.caBundle) {
      const result = await apiServerHandshake(started.port);
      if (result.ok) return result.cert;
      last = result.error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`serve never served a trusted certificate (last: ${last}): ${started.output()}`);
}

/** Every certificate riskgate stored in the Secret (POST and PUT bodies the API double received). */
function issuedFingerprints(): string[] {
  return api.calls
    .filter((c) => (c.method === 'POST' || c.method === 'PUT') && c.status < 300)
    .map((c) => new X509Certificate(Buffer.from((c.body as { data: Record<string, string> }).data['tls.crt']!, 'base64')).fingerprint256);
}

/** One handshake as the API server makes it: SNI = the Service name, trusting exactly the configuration's current caBundle. */
function apiServerHandshake(port: number): Promise<{ ok: true; cert: X509Certificate } | { ok: false; error: string }> {
  const bundle = caBundleFromBase64(api.webhookConfigs.get('riskgate')!.webhooks[0].clientConfig.caBundle ?? '');
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, servername: HOST, ca: bundle }, () => {
      const cert = new X509Certificate(socket.getPeerCertificate().raw);
      socket.end();
      resolve({ ok: true, cert });
    });
    socket.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, error: e.code ?? e.message }));
  });
}

test('serve makes its certificate, the webhook trusts it, and a renewal rolls over with every handshake succeeding', async () => {
  // A certificate valid for 1 day, due when fewer than 0.99995 days are left: a renewal about every 4 s.
  const started = startServe(await freePort(), ['--cert-validity-days', '1', '--cert-renew-before-days', '0.99995', '--cert-check-interval', '0.5']);
  const first = await firstTrustedHandshake(started);
  expect(issuedFingerprints()).toContain(first.fingerprint256);
  expect(first.checkHost(HOST)).toBe(HOST);
  expect(api.calls.filter((c) => c.method === 'PATCH').every((c) => c.contentType === 'application/json-patch+json')).toBe(true);

  const failures: string[] = [];
  let current = first;
  for (let attempt = 0; attempt < 600 && current.fingerprint256 === first.fingerprint256; attempt++) {
    const result = await apiServerHandshake(started.port);
    if (result.ok) current = result.cert;
    else failures.push(result.error);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  expect(failures).toEqual([]);
  expect(current.fingerprint256).not.toBe(first.fingerprint256);
  expect(issuedFingerprints()).toContain(current.fingerprint256);
  expect(current.checkHost(HOST)).toBe(HOST);
  const bundle = splitPemBundle(caBundleFromBase64(api.webhookConfigs.get('riskgate')!.webhooks[1].clientConfig.caBundle));
  expect(bundle.length).toBeGreaterThanOrEqual(2);
  expect(bundle.some((ca) => first.checkIssued(new X509Certificate(ca)))).toBe(true);
  expect(bundle.some((ca) => current.checkIssued(new X509Certificate(ca)))).toBe(true);

  child!.kill('SIGTERM');
  expect(await started.exited).toBe(0);
  expect(started.output()).toContain('"secret":"renewed"');
}, 60_000);

test('without access to the Kubernetes API serve does not start, and says why', async () => {
  writeFileSync(join(dir, 'kubeconfig'), api.kubeConfig('not-the-token').exportConfig());
  const started = startServe(await freePort(), []);
  expect(await started.exited).toBe(1);
  expect(started.output()).toMatch(/riskgate serve: cannot set up the certificate in Secret riskgate\/riskgate-tls: Kubernetes API answered 401/);
});
