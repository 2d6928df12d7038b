// Test helper: a real TLS handshake against a loopback server presenting a certificate, as the API server would make it.
import { createServer, connect } from 'node:tls';
import type { AddressInfo } from 'node:net';

export interface ServedPair {
  cert: string;
  key: string;
}

/** Connects to a server presenting `served` with `ca` as the only trust anchors and `servername` as SNI and expected host. */
export async function handshake(served: ServedPair, ca: string, servername: string): Promise<'ok' | string> {
  const server = createServer({ cert: served.cert, key: served.key }, (socket) => socket.end());
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, ca, servername }, () => {
        socket.end();
        resolve('ok');
      });
      socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
