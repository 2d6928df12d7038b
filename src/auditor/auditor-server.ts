// Listens for the auditor view on its own port: HTTPS with the webhook's serving certificate (picked up again after rotation), or HTTP for local use.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import type { PemPair } from '../tls/certificates.js';

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
    server.setSecureContext({ cert: pair.cert, key: pair.key });
    inUse = pair;
  });
}

export function startAuditorServer(app: RequestListener, host: string, port: number, certificate?: () => PemPair): Promise<AuditorServer> {
  let server: http.Server | https.Server;
  if (certificate) {
    const pair = certificate();
    const secure = https.createServer({ cert: pair.cert, key: pair.key }, app);
    followCertificate(secure, certificate);
    server = secure;
  } else server = http.createServer(app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        address: server.address() as AddressInfo,
        close: () => {
          server.closeAllConnections();
          return new Promise((done) => server.close(() => done()));
        },
      });
    });
  });
}
