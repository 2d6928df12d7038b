// The OTLP receiver's plain-HTTP server: listens on its own host and port next to the webhook, closes on shutdown.
import { createServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpServer {
  server: Server;
  address: AddressInfo;
  close(): Promise<void>;
}

export function startOtlpServer(listener: RequestListener, host: string, port: number): Promise<OtlpServer> {
  const server = createServer({ keepAlive: true, requestTimeout: 30_000, headersTimeout: 10_000 }, listener);
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
