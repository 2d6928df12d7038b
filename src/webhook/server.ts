// The HTTPS server around the app: TLS 1.2+, keep-alive tuned for the API server, live certificate swap, graceful drain.
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PemPair } from '../tls/certificates.js';

export interface ServerTimeouts {
  /** Longer than the API server's idle-connection timeout (Go: 90 s), so the client, not riskgate, closes idle connections. */
  keepAliveMs: number;
  /** A client must send its headers within this time (slow-loris bound). */
  headersMs: number;
  /** A client must send its whole request within this time. */
  requestMs: number;
}

export const DEFAULT_TIMEOUTS: ServerTimeouts = { keepAliveMs: 100_000, headersMs: 10_000, requestMs: 30_000 };

export interface TlsMaterial extends PemPair {
  /** A CA bundle to send along (chain), optional. */
  ca?: string;
}

/** TLS 1.2 suites with forward secrecy and AEAD only (the ones Go's crypto/tls offers first); TLS 1.3 suites are all AEAD. */
const MODERN_CIPHERS = [
  'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** Request headers above this are refused with 431 (Node's default, pinned so an upgrade cannot widen it). */
export const MAX_HEADER_BYTES = 16 * 1024;

function secureOptions({ cert, key }: TlsMaterial) {
  return { cert, key, minVersion: 'TLSv1.2' as const, ciphers: MODERN_CIPHERS, honorCipherOrder: true };
}

export function createWebhookServer(listener: RequestListener, tls: TlsMaterial, timeouts: ServerTimeouts = DEFAULT_TIMEOUTS): Server {
  const server = createServer({ ...secureOptions(tls), keepAlive: true, maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: timeouts.requestMs, headersTimeout: timeouts.headersMs }, listener);
  server.keepAliveTimeout = timeouts.keepAliveMs;
  return server;
}

/** New connections get the new certificate; connections already open keep theirs. Throws if cert and key do not match. */
export function replaceCertificate(server: Server, tls: TlsMaterial): void {
  server.setSecureContext(secureOptions(tls));
}

export function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Stops accepting connections, closes idle keep-alive connections, lets in-flight requests finish (the app answers them
 * with `Connection: close`), and after `deadlineMs` cuts whatever is left. Resolves when every connection is gone.
 */
export function drain(server: Server, deadlineMs: number): Promise<void> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => server.closeAllConnections(), deadlineMs);
    deadline.unref();
    const closeIdle = () => setImmediate(() => server.closeIdleConnections());
    server.on('request', (_req, res) => res.on('finish', closeIdle));
    server.close(() => {
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
