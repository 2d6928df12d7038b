// Listens for the auditor view on its own port: HTTPS with the webhook's serving certificate, TLS settings and timeouts (picked up again after rotation), or HTTP for local use.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import type { PemPair } from '../tls/certificates.js';
import { HANDSHAKE_TIMEOUT_MS, MAX_HEADER_BYTES, tlsServerOptions } from '../webhook/server.js';
import { applyConnectionLimits, DEFAULT_CONNECTION_LIMITS } from '../webhook/connection-budget.js';
import { listen } from '../webhook/listening-server.js';

/** The webhook port's timeouts: headers within 10 s, a request within 30 s, idle keep-alive 5 s (a browser reconnects). */
const TIMEOUTS = { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000, maxHeaderSize: MAX_HEADER_BYTES, connectionsCheckingInterval: 1_000 };
/** A view for people: far fewer connections than the admission port. */
const LIMITS = { ...DEFAULT_CONNECTION_LIMITS, maxConnections: 256, maxConnectionsPerPeer: 64, crowdedAt: 128 };

export interface AuditorServer {
  address: AddressInfo;
  close(): Promise<void>;
}

/** Before each connection's handshake: a rotated certificate is served from the next connection on. */
function followCertificate(server: https.Server, current: () => PemPair): void {
  let inUse = current();
  server.on('connection', () => {
    const pair = current();
    if (pair === inUse) return;
    server.setSecureContext(tlsServerOptions(pair));
    inUse = pair;
  });
}

export function startAuditorServer(app: RequestListener, host: string, port: number, certificate?: () => PemPair): Promise<AuditorServer> {
  let server: http.Server | https.Server;
  if (certificate) {
    const pair = certificate();
    const secure = https.createServer({ ...tlsServerOptions(pair), ...TIMEOUTS, handshakeTimeout: HANDSHAKE_TIMEOUT_MS }, app);
    followCertificate(secure, certificate);
    server = secure;
  } else server = http.createServer(TIMEOUTS, app);
  applyConnectionLimits(server as https.Server, LIMITS, () => undefined);
  return listen(server as http.Server, host, port);
}
