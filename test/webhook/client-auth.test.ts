// serve --client-ca/--client-cn: only a caller with a client certificate from the CA and an accepted name gets a review; the others are refused in the TLS layer, logged and counted.
import { request as httpsRequest } from 'node:https';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { issue, makeCa } from '../e2e/harness/pki.js';
import { tempDir } from './serve-harness.js';
import { serveExtensions } from '../../src/cli/serve-extensions.js';
import type { RunningServe } from '../../src/cli/serve-runtime.js';
import { VERDICT_BODIES } from '../hardening/webhook-harness.js';
import { startServe } from '../../src/cli/serve-runtime.js';
import { LogCapture } from './tls-harness.js';

let dir: { dir: string; remove(): void };
let running: { serve: RunningServe; logs: LogCapture; ca: string };
let metricsUrl: string;
let healthUrl: string;
const certs: Record<'apiserver' | 'mallory' | 'outsider', { cert: string; key: string }> = {} as never;

beforeAll(async () => {
  dir = tempDir('client-auth');
  const pki = join(dir.dir, 'pki');
  mkdirSync(pki);
  const clientCa = makeCa(pki, 'client-ca');
  const otherCa = makeCa(pki, 'other-ca');
  certs.apiserver = issue(pki, clientCa, 'apiserver', { cn: 'kube-apiserver', usage: 'client' });
  certs.mallory = issue(pki, clientCa, 'mallory', { cn: 'mallory', usage: 'client' });
  certs.outsider = issue(pki, otherCa, 'outsider', { cn: 'kube-apiserver', usage: 'client' });
  const logs = new LogCapture();
  const serve = await startServe(
    { host: '127.0.0.1', port: 0, logLevel: 'info', drainTimeout: 1, certsDir: dir.dir, dataDir: join(dir.dir, 'data'), clientCa: clientCa.cert, clientCn: ['kube-apiserver'], metricsPort: 0, healthPort: 0, spoolMaxMb: 16, archiveMaxMb: 16, hecSource: 'riskgate' },
    { destination: logs, extensions: serveExtensions },
  );
  running = { serve, logs, ca: readFileSync(join(dir.dir, 'ca.crt'), 'utf8') };
  metricsUrl = String((await running.logs.waitFor('metrics listening', {}, 0))['url']);
  healthUrl = `http://127.0.0.1:${String((await running.logs.waitFor('health port listening', {}, 0))['port'])}`;
});
afterAll(async () => {
  await running?.serve.shutdown('test');
  dir.remove();
});

/** POSTs a review as a client with this certificate (or none): the HTTP status, or the error the connection ended with. */
function review(client: { cert: string; key: string } | undefined): Promise<string> {
  return new Promise((resolve) => {
    const body = JSON.stringify(VERDICT_BODIES.deny);
    const req = httpsRequest(
      {
        host: '127.0.0.1', port: running.serve.address.port, servername: 'localhost', path: '/validate', method: 'POST', agent: false,
        ca: running.ca, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        ...(client ? { cert: readFileSync(client.cert, 'utf8'), key: readFileSync(client.key, 'utf8') } : {}),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(`HTTP ${res.statusCode}`));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve(`refused (${error.code ?? error.message})`));
    req.end(body);
  });
}

async function refusedCount(reason: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith(`riskgate_admission_connections_refused_total{reason="${reason}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

test("the API server's certificate gets its review answered", async () => {
  expect(await review(certs.apiserver)).toBe('HTTP 200');
});

test.each([
  ['no client certificate', undefined, 'no_certificate'],
  ['a certificate another CA signed', 'outsider' as const, 'untrusted_certificate'],
  ['a certificate from the CA with a name not accepted', 'mallory' as const, 'name_not_allowed'],
])('a caller with %s is refused before HTTP, logged and counted', async (_name, who, reason) => {
  const before = await refusedCount(reason);
  expect(await review(who ? certs[who] : undefined)).toMatch(/^refused/);
  expect(await refusedCount(reason)).toBe(before + 1);
});

test('a flood of refused callers writes one WARN line per window, and every one is counted', async () => {
  const before = await refusedCount('no_certificate');
  const linesBefore = running.logs.lines.filter((l) => l['msg'] === 'admission caller refused').length;
  for (let i = 0; i < 20; i += 1) expect(await review(undefined)).toMatch(/^refused/);
  expect(await refusedCount('no_certificate')).toBe(before + 20);
  expect(running.logs.lines.filter((l) => l['msg'] === 'admission caller refused').length - linesBefore).toBeLessThanOrEqual(1);
});

test('the kubelet probes the plain-HTTP health port without a certificate', async () => {
  expect((await fetch(`${healthUrl}/readyz`)).status).toBe(200);
  expect((await fetch(`${healthUrl}/healthz`)).status).toBe(200);
  expect((await fetch(`${healthUrl}/validate`, { method: 'POST', body: '{}' })).status).toBe(404);
});

test('--client-cn without --client-ca is a usage error', async () => {
  await expect(startServe({ host: '127.0.0.1', port: 0, logLevel: 'error', drainTimeout: 1, certsDir: dir.dir, clientCn: ['kube-apiserver'] }, { destination: new LogCapture() })).rejects.toThrow('--client-cn needs --client-ca');
});

test('an unreadable --client-ca stops start-up with its name', async () => {
  await expect(startServe({ host: '127.0.0.1', port: 0, logLevel: 'error', drainTimeout: 1, certsDir: dir.dir, clientCa: join(dir.dir, 'missing.crt') }, { destination: new LogCapture() })).rejects.toThrow(/--client-ca .*missing\.crt: ENOENT/);
});
