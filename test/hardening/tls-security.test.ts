// Security review of the webhook's transport, against `riskgate serve` itself: TLS 1.2+ with modern ciphers only, no plain HTTP, limits and timeouts.
import http from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { DEFAULT_TIMEOUTS, createWebhookServer, drain, listen } from '../../src/webhook/server.js';
import { makeTestPki } from '../webhook/tls-harness.js';
import { serveForTest, tempDir } from '../webhook/serve-harness.js';
import type { ServeUnderTest } from '../webhook/serve-harness.js';
import { tlsSocket, untilClosed, VERDICT_BODIES } from './webhook-harness.js';

let dir: { dir: string; remove(): void };
let running: ServeUnderTest;
let ca: string;

beforeAll(async () => {
  dir = tempDir('tls-security');
  // An RSA certificate: the suites below name RSA key exchange and signatures (ECDSA, the default, is checked after).
  running = await serveForTest({ certsDir: dir.dir, logLevel: 'warn', certKeyType: 'rsa' });
  ca = running.client.ca;
});
afterAll(async () => {
  await running.stop();
  dir.remove();
});

const port = () => running.serve.address.port;

/** The protocol and cipher the server agreed to, or the error code of the refused handshake. */
async function handshake(options: Parameters<typeof tlsSocket>[1]): Promise<string> {
  try {
    const socket = await tlsSocket(port(), { ca, ...options });
    const agreed = `${socket.getProtocol()} ${socket.getCipher().standardName}`;
    socket.destroy();
    return agreed;
  } catch (error) {
    return `refused (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
}

describe('protocol versions', () => {
  test.each([
    ['TLS 1.0', 'TLSv1' as const, 'TLSv1' as const],
    ['TLS 1.1', 'TLSv1.1' as const, 'TLSv1.1' as const],
  ])('a %s client is refused', async (_name, minVersion, maxVersion) => {
    expect(await handshake({ minVersion, maxVersion, ciphers: 'DEFAULT@SECLEVEL=0' })).toMatch(/^refused/);
  });

  test.each([
    ['TLS 1.2', 'TLSv1.2' as const, /^TLSv1\.2 TLS_ECDHE_RSA_WITH_(AES_\d+_GCM_SHA\d+|CHACHA20_POLY1305_SHA256)$/],
    ['TLS 1.3', 'TLSv1.3' as const, /^TLSv1\.3 TLS_(AES_\d+_GCM_SHA\d+|CHACHA20_POLY1305_SHA256)$/],
  ])('a %s client gets forward secrecy and an AEAD cipher', async (_name, version, expected) => {
    expect(await handshake({ minVersion: version, maxVersion: version })).toMatch(expected);
  });
});

describe('TLS 1.2 cipher suites', () => {
  test.each([
    ['RSA key exchange, CBC, SHA-1', 'AES128-SHA'],
    ['RSA key exchange, GCM (no forward secrecy)', 'AES128-GCM-SHA256'],
    ['ECDHE, CBC, SHA-1', 'ECDHE-RSA-AES128-SHA'],
    ['ECDHE, CBC, SHA-384', 'ECDHE-RSA-AES256-SHA384'],
    ['DHE, GCM', 'DHE-RSA-AES128-GCM-SHA256'],
    ['3DES', 'ECDHE-RSA-DES-CBC3-SHA:DES-CBC3-SHA'],
  ])('a client offering only %s is refused', async (_name, ciphers) => {
    expect(await handshake({ maxVersion: 'TLSv1.2', ciphers: `${ciphers}@SECLEVEL=0` })).toMatch(/^refused/);
  });

  test.each(['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305'])('the suites the kube-apiserver (Go) offers work: %s', async (cipher) => {
    expect(await handshake({ maxVersion: 'TLSv1.2', ciphers: cipher })).toMatch(/^TLSv1\.2 /);
  });
});

describe('the default ECDSA P-256 certificate', () => {
  let ecdsa: { dir: string; remove(): void };
  let serving: ServeUnderTest;
  beforeAll(async () => {
    ecdsa = tempDir('tls-security-ecdsa');
    serving = await serveForTest({ certsDir: ecdsa.dir, logLevel: 'warn' });
  });
  afterAll(async () => {
    await serving.stop();
    ecdsa.remove();
  });
  const agreed = async (options: Parameters<typeof tlsSocket>[1]) => {
    try {
      const socket = await tlsSocket(serving.serve.address.port, { ca: serving.client.ca, ...options });
      const text = `${socket.getProtocol()} ${socket.getCipher().standardName}`;
      socket.destroy();
      return text;
    } catch (error) {
      return `refused (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    }
  };

  test('TLS 1.2 gets ECDHE-ECDSA with an AEAD cipher, TLS 1.3 an AEAD suite', async () => {
    expect(await agreed({ maxVersion: 'TLSv1.2' })).toMatch(/^TLSv1\.2 TLS_ECDHE_ECDSA_WITH_(AES_\d+_GCM_SHA\d+|CHACHA20_POLY1305_SHA256)$/);
    expect(await agreed({ minVersion: 'TLSv1.3' })).toMatch(/^TLSv1\.3 TLS_(AES_\d+_GCM_SHA\d+|CHACHA20_POLY1305_SHA256)$/);
  });

  test.each(['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305'])('the ECDSA suites the kube-apiserver (Go) offers work: %s', async (cipher) => {
    expect(await agreed({ maxVersion: 'TLSv1.2', ciphers: cipher })).toMatch(/^TLSv1\.2 /);
  });

  test.each(['ECDHE-ECDSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA384'])('a client offering only the CBC suite %s is refused', async (cipher) => {
    expect(await agreed({ maxVersion: 'TLSv1.2', ciphers: `${cipher}@SECLEVEL=0` })).toMatch(/^refused/);
  });
});

test('the webhook port speaks no plain HTTP: a plain POST /validate gets no answer', async () => {
  const outcome = await new Promise<string>((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: port(), method: 'POST', path: '/validate', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      resolve(`answered ${res.statusCode}`);
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code ?? error.message}`));
    req.end(JSON.stringify(VERDICT_BODIES.deny));
  });
  expect(outcome).toMatch(/^error /);
  // and the port still reviews over TLS afterwards
  expect((await running.client.postJson('/validate', VERDICT_BODIES.deny)).status).toBe(200);
});

test('a TCP client that never completes the TLS handshake is cut off (handshake timeout)', async () => {
  const closed = await new Promise<boolean>((resolve) => {
    const socket = tcpConnect(port(), '127.0.0.1', () => socket.write(Buffer.from([0x16, 0x03, 0x01])));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(true));
  });
  expect(closed).toBe(true);
}, DEFAULT_TIMEOUTS.headersMs + 20_000);

test('shutdown does not wait on a client stuck in its TLS handshake: the drain deadline cuts it', async () => {
  const server = createWebhookServer(() => undefined, makeTestPki().serving, { ...DEFAULT_TIMEOUTS, handshakeMs: 120_000 });
  const { port: stuckPort } = await listen(server, '127.0.0.1', 0);
  const closed = new Promise<void>((resolve) => {
    const socket = tcpConnect(stuckPort, '127.0.0.1', () => socket.write(Buffer.from([0x16, 0x03, 0x01])));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  await drain(server, 200);
  await closed;
}, 10_000);

test('headers over 16 KiB are refused with 431', async () => {
  const socket = await tlsSocket(port(), { ca });
  const closed = untilClosed(socket);
  socket.write(`POST /validate HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(17 * 1024)}\r\nContent-Length: 2\r\n\r\n{}`);
  expect(await closed).toMatch(/^HTTP\/1\.1 431 /);
});

test('the server defaults bound slow clients and outlive the API server idle connections', () => {
  const pki = makeTestPki();
  const server = createWebhookServer(() => undefined, pki.serving);
  // Slow loris: headers within 10 s, the whole request within 30 s (the API server's own timeout is at most 30 s).
  expect(server.headersTimeout).toBeLessThanOrEqual(10_000);
  expect(server.requestTimeout).toBeLessThanOrEqual(30_000);
  expect(server.requestTimeout).toBeGreaterThan(0);
  // Go's http.Transport closes idle connections after 90 s: the server must not close them first (a race on reuse).
  expect(server.keepAliveTimeout).toBeGreaterThan(90_000);
  expect((server as unknown as { maxHeaderSize?: number }).maxHeaderSize).toBeLessThanOrEqual(16 * 1024);
  server.close();
});
