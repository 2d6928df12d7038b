// Listens a plain or TLS node server on host:port and hands back its address and a close that also ends idle keep-alive connections.
import type http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ListeningServer {
  address: AddressInfo;
  close(): Promise<void>;
}

export function listen(server: http.Server, host: string, port: number): Promise<ListeningServer> {
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
