// The HTTPS server around the app: TLS 1.2+, keep-alive tuned for the API server, live certificate swap, graceful drain.
import { createServer } from 'node:https';
import { Server as TlsServer } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import type { Server } from 'node:https';
import type { RequestListener } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { PemPair } from '../tls/certificates.js';
import { clientAuthTlsOptions, verdictOf } from './client-auth.js';
import type { ClientAuth, ClientRefusal } from './client-auth.js';
import { BodyBudget, withBodyBudget } from './body-budget.js';
import type { BodyBudgetLimits } from './body-budget.js';
import { applyConnectionLimits } from './connection-budget.js';
import type { ConnectionLimits } from './connection-budget.js';

export interface ServerTimeouts {
  /** Longer than the API server's idle-connection timeout (Go: 90 s), so the client, not riskgate, closes idle connections. */
  keepAliveMs: number;
  /** A client must send its headers within this time (slow-loris bound). */
  headersMs: number;
  /** A client must send its whole request within this time. */
  requestMs: number;
  /** A client must finish the TLS handshake within this time (default HANDSHAKE_TIMEOUT_MS). */
  handshakeMs?: number;
}

/**
 * A TCP client that never finishes its TLS handshake is cut after this long (Node's default is 120 s, and the headers
 * and request timeouts only start once the handshake is done). The API server's whole call times out after 10 s.
 */
export const HANDSHAKE_TIMEOUT_MS = 5_000;

/** How often Node looks for requests past their headers or request timeout (its default, 30 s, would let a slow client run 3 times over). */
const TIMEOUT_CHECK_MS = 1_000;

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

export interface CallerCheck {
  /** Only clients with a certificate from this CA (and one of these names) get past the TLS layer. */
  clientAuth?: ClientAuth;
  /** Each connection refused in its handshake, for its certificate's name, or by the budget below. */
  onRefused?: (refusal: ClientRefusal) => void;
  /** Caps on open connections (in all, per peer) and the early close of idle ones while crowded. */
  connections?: ConnectionLimits;
  /** Caps on request-body bytes held at once (in all, per peer). */
  bodies?: BodyBudgetLimits;
}

/** The TLS settings of every riskgate HTTPS port (the auditor view's too): TLS 1.2+, forward-secret AEAD suites only. */
export function tlsServerOptions(pair: PemPair): ReturnType<typeof secureOptions> {
  return secureOptions(pair);
}

/** The client CA each server verifies with, kept so that a certificate swap keeps verifying callers. */
const clientCas = new WeakMap<Server, ClientAuth>();

function secureOptions({ cert, key }: TlsMaterial, clientAuth?: ClientAuth) {
  return { cert, key, minVersion: 'TLSv1.2' as const, ciphers: MODERN_CIPHERS, honorCipherOrder: true, ...(clientAuth ? clientAuthTlsOptions(clientAuth) : {}) };
}

/** Refusals: failed handshakes (no or untrusted client certificate), and verified certificates whose name is not accepted. */
function checkCallers(server: Server, check: CallerCheck): void {
  const refuse = (refusal: ClientRefusal) => check.onRefused?.(refusal);
  server.on('tlsClientError', (error: Error & { code?: string }, socket: TLSSocket) => {
    refuse({ reason: 'handshake_failed', peer: socket.remoteAddress ?? '', detail: error.code ?? error.message });
  });
  const auth = check.clientAuth;
  if (!auth) return;
  // Before the HTTP layer's own listener: a refused caller's socket is gone before a byte of HTTP is read.
  server.prependListener('secureConnection', (socket: TLSSocket) => {
    const verdict = verdictOf(auth, socket);
    if (!verdict) return;
    refuse({ ...verdict, peer: socket.remoteAddress ?? '' });
    socket.destroy();
  });
}

function budgeted(listener: RequestListener, callers: CallerCheck): RequestListener {
  if (!callers.bodies) return listener;
  const onRefused = (peer: string) => callers.onRefused?.({ reason: 'body_budget', peer, detail: 'request bodies in flight over the budget' });
  return withBodyBudget(listener, new BodyBudget(callers.bodies), onRefused);
}

/** Every TCP connection of each server, TLS handshake done or not (closeAllConnections knows only HTTP connections). */
const rawSockets = new WeakMap<Server, Set<Socket>>();

export function createWebhookServer(listener: RequestListener, tls: TlsMaterial, timeouts: ServerTimeouts = DEFAULT_TIMEOUTS, callers: CallerCheck = {}): Server {
  const server = createServer(
    {
      ...secureOptions(tls, callers.clientAuth),
      keepAlive: true,
      maxHeaderSize: MAX_HEADER_BYTES,
      requestTimeout: timeouts.requestMs,
      headersTimeout: timeouts.headersMs,
      handshakeTimeout: timeouts.handshakeMs ?? HANDSHAKE_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_MS, timeouts.headersMs / 2),
    },
    budgeted(listener, callers),
  );
  server.keepAliveTimeout = timeouts.keepAliveMs;
  if (callers.clientAuth) clientCas.set(server, callers.clientAuth);
  checkCallers(server, callers);
  if (callers.connections) applyConnectionLimits(server, callers.connections, (refusal) => callers.onRefused?.(refusal));
  const sockets = new Set<Socket>();
  rawSockets.set(server, sockets);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return server;
}

/** Cuts every connection: HTTP ones, and those still in (or stuck before the end of) their TLS handshake. */
function closeEveryConnection(server: Server): void {
  server.closeAllConnections();
  for (const socket of rawSockets.get(server) ?? []) socket.destroy();
}

/** New connections get the new certificate; connections already open keep theirs. Throws if cert and key do not match. */
export function replaceCertificate(server: Server, tls: TlsMaterial): void {
  server.setSecureContext(secureOptions(tls, clientCas.get(server)));
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
 * After the listener closes, idle keep-alive connections stay open at least this long before they are closed. A client
 * that keeps a connection busy sends its next review within it (answered, with `Connection: close`).
 */
export const IDLE_GRACE_MS = 250;

/** A loop turn at most this long (non-blocking poll included) counts as quiet: everything that arrived before it was read. */
const QUIET_TURN_MS = 5;

/**
 * Resolves right after a quiet event-loop turn. Node counts a keep-alive connection as idle until it has parsed the next
 * request, so while the loop is busy with other reviews a request can sit unread in the socket of an "idle" connection;
 * closing it then resets a review the client already sent. After a quiet turn only a request sent at that very moment
 * can meet the close (the keep-alive race every HTTP/1.1 server has).
 */
function afterQuietTurn(): Promise<void> {
  return new Promise((resolve) => {
    let last = performance.now();
    const turn = () => {
      const now = performance.now();
      if (now - last <= QUIET_TURN_MS) return resolve();
      last = now;
      setImmediate(turn);
    };
    setImmediate(turn);
  });
}

/**
 * Stops accepting connections, lets in-flight requests finish (every answer from now on carries `Connection: close`),
 * closes keep-alive connections still idle after IDLE_GRACE_MS and a quiet loop turn, and after `deadlineMs` cuts
 * whatever is left. Resolves when every connection is gone.
 */
export function drain(server: Server, deadlineMs: number): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const deadline = setTimeout(() => closeEveryConnection(server), deadlineMs);
    deadline.unref();
    const idle = setTimeout(() => void afterQuietTurn().then(() => done || server.closeIdleConnections()), Math.min(IDLE_GRACE_MS, deadlineMs));
    // Before the app's listener: whatever route answers, the answer closes its connection.
    server.prependListener('request', (_req, res) => {
      res.shouldKeepAlive = false;
    });
    // tls.Server's close stops accepting and waits for the connections; https.Server's would also close the idle ones now.
    TlsServer.prototype.close.call(server, () => {
      done = true;
      clearTimeout(deadline);
      clearTimeout(idle);
      resolve();
    });
  });
}
