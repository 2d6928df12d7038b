// e2e harness: the Service's stand-in (the harness has no kube-proxy): a loopback TCP proxy handing each new connection to the next target in turn.
import net from 'node:net';

export interface Target {
  host: string;
  port: number;
}

export interface RoundRobinProxy {
  host: string;
  port: number;
  /** Connections handed to each target so far, by `host:port`. */
  connections: Map<string, number>;
  /** The endpoints behind it from now on (as when a Pod leaves the Service's endpoints); open connections stay. */
  setTargets(targets: readonly Target[]): void;
  close(): Promise<void>;
}

const key = (t: Target) => `${t.host}:${t.port}`;

/**
 * Like kube-proxy it balances connections, not requests: a client that keeps one connection alive stays on one target.
 * A target that refuses the connection is skipped for the next (kube-proxy would have dropped it from its endpoints).
 */
export function startRoundRobinProxy(host: string, port: number, initial: readonly Target[]): Promise<RoundRobinProxy> {
  let targets = [...initial];
  let next = 0;
  const connections = new Map<string, number>();
  const open = new Set<net.Socket>();

  const connect = (client: net.Socket, attempt: number) => {
    if (targets.length === 0 || attempt >= targets.length) return void client.destroy();
    const target = targets[next++ % targets.length]!;
    const upstream = net.connect(target.port, target.host);
    let connected = false;
    open.add(upstream);
    upstream.once('connect', () => {
      connected = true;
      connections.set(key(target), (connections.get(key(target)) ?? 0) + 1);
      client.pipe(upstream).pipe(client);
      client.resume();
    });
    upstream.once('error', () => (connected ? client.destroy() : connect(client, attempt + 1)));
    upstream.once('close', () => {
      open.delete(upstream);
      if (connected) client.destroy();
    });
    client.once('close', () => upstream.destroy());
  };

  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    connect(client, 0);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address() as net.AddressInfo;
      resolve({
        host,
        port: address.port,
        connections,
        setTargets: (list) => (targets = [...list]),
        close: () =>
          new Promise((done) => {
            for (const socket of open) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
