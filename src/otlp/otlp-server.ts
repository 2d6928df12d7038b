// The OTLP receiver's server: plain HTTP, or HTTPS that requires a client certificate (mTLS), on its own host and port.
import { createServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface OtlpServer {
  server: Server;
  address: AddressInfo;
  close(): Promise<void>;
}

/** mTLS: the serving certificate and the CA whose client certificates are accepted (the collector's otlphttp `tls` settings). */
export interface OtlpTls {
  cert: string;
  key: string;
  clientCa: string;
}

const TIMEOUTS = { keepAlive: true, requestTimeout: 30_000, headersTimeout: 10_000 };

function serverOf(listener: RequestListener, tls: OtlpTls | undefined): Server {
  if (!tls) return createServer(TIMEOUTS, listener);
  const server = createHttpsServer(
    { ...TIMEOUTS, cert: tls.cert, key: tls.key, ca: tls.clientCa, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2', handshakeTimeout: 10_000 },
    listener,
  );
  return server as unknown as Server;
}

export function startOtlpServer(listener: RequestListener, host: string, port: number, tls?: OtlpTls): Promise<OtlpServer> {
  const server = serverOf(listener, tls);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const close = () =>
        new Promise<void>((done) => {
          server.close(() => done());
          server.closeIdleConnections();
        });
      resolve({ server, address: server.address() as AddressInfo, close });
    });
  });
}
