// The auditor port has the webhook port's TLS settings and timeouts (issue 17, finding 7): no RSA key exchange or CBC suites, and a client that never starts TLS is cut after the handshake timeout.
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { startAuditorServer, type AuditorServer } from '../../src/auditor/auditor-server.js';
import { HANDSHAKE_TIMEOUT_MS } from '../../src/webhook/server.js';
import { makeTestPki } from '../webhook/tls-harness.js';

const pki = makeTestPki();
let server: AuditorServer;

beforeAll(async () => {
  server = await startAuditorServer((_req, res) => res.end('ok'), '127.0.0.1', 0, () => pki.serving);
});
afterAll(async () => {
  await server.close();
});

function handshake(options: ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: server.address.port, servername: 'localhost', ca: pki.ca.cert, ...options }, () => {
      resolve(`${socket.getProtocol()} ${socket.getCipher().standardName}`);
      socket.destroy();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(`refused (${error.code ?? error.message})`));
  });
}

test.each([
  ['RSA key exchange, CBC (TLS_RSA)', 'AES128-SHA'],
  ['RSA key exchange, GCM', 'AES128-GCM-SHA256'],
  ['ECDHE with CBC', 'ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA'],
])('a TLS 1.2 client offering only %s is refused', async (_name, ciphers) => {
  expect(await handshake({ maxVersion: 'TLSv1.2', ciphers })).toMatch(/^refused/);
});

test('TLS 1.0 is refused; TLS 1.2 and 1.3 get an AEAD suite', async () => {
  expect(await handshake({ minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' })).toMatch(/^refused/);
  expect(await handshake({ maxVersion: 'TLSv1.2' })).toMatch(/^TLSv1\.2 TLS_ECDHE_\w+_WITH_(AES_\d+_GCM_SHA\d+|CHACHA20_POLY1305_SHA256)$/);
  expect(await handshake({})).toMatch(/^TLSv1\.3 /);
});

test('100 raw connections that never start TLS are all cut after the handshake timeout', async () => {
  const started = performance.now();
  const closes = Array.from({ length: 100 }, () => new Promise<number>((resolve) => {
    const socket = tcpConnect(server.address.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.once('close', () => resolve(performance.now() - started));
  }));
  const times = await Promise.all(closes);
  expect(Math.max(...times)).toBeLessThan(HANDSHAKE_TIMEOUT_MS + 2_000);
}, 15_000);
