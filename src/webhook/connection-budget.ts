// The admission port's connection budget: a cap on open connections in all and per peer address, and idle keep-alive connections closed early while the port is crowded.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import type { Socket } from 'node:net';
import type { ClientRefusal } from './client-auth.js';

export interface ConnectionLimits {
  /** Open connections at most (TLS handshakes included); past it new ones are closed at once. */
  maxConnections: number;
  /** Open connections at most from one peer address. */
  maxConnectionsPerPeer: number;
  /** From this many open connections on, a keep-alive connection idle for idleUnderPressureMs is closed. */
  crowdedAt: number;
  idleUnderPressureMs: number;
  /** A connection that has not sent its first request this long after it opened is closed, crowded or not. */
  firstRequestMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { maxConnections: 1024, maxConnectionsPerPeer: 256, crowdedAt: 512, idleUnderPressureMs: 5_000, firstRequestMs: 10_000 };

/** How often the crowded port looks for idle connections to close. */
const SWEEP_MS = 1_000;

/** Open connections per peer address. */
class PeerCounts {
  private readonly byPeer = new Map<string, number>();
  add(peer: string): number {
    const n = (this.byPeer.get(peer) ?? 0) + 1;
    this.byPeer.set(peer, n);
    return n;
  }
  remove(peer: string): void {
    const n = (this.byPeer.get(peer) ?? 1) - 1;
    if (n <= 0) this.byPeer.delete(peer);
    else this.byPeer.set(peer, n);
  }
}

/** One open connection: whether it sent a request yet, and since when it has been idle (undefined: answering one). */
interface Connection {
  readonly socket: Socket;
  used: boolean;
  idleSince: number | undefined;
}

/** The connection a TCP socket (and each response on it) belongs to: a property, so a request costs no map lookup. */
const CONNECTION = Symbol('riskgate.connection');
type Tracked = { [CONNECTION]?: Connection };

/** A response's 'finish' listener, the same function for all: its connection is idle from now. */
function markIdle(this: ServerResponse): void {
  const connection = (this as ServerResponse & Tracked)[CONNECTION];
  if (connection) connection.idleSince = performance.now();
}

/**
 * Applies the limits to the server's TCP connections. A connection over a cap is destroyed before its TLS handshake
 * (refused and reported); one that sends no request within `firstRequestMs` is closed; while `crowdedAt` connections
 * or more are open, those idle for longer than `idleUnderPressureMs` are closed too (a busy client such as the API
 * server keeps its connections busy; an idle one reconnects).
 */
export function applyConnectionLimits(server: Server, limits: ConnectionLimits, onRefused: (refusal: ClientRefusal) => void): () => void {
  const peers = new PeerCounts();
  const connections = new Set<Connection>();
  server.on('connection', (socket: Socket) => {
    const peer = socket.remoteAddress ?? '';
    const open = connections.size;
    if (open >= limits.maxConnections) return refuse(socket, onRefused, { reason: 'too_many_connections', peer, detail: `${open} open` });
    if (peers.add(peer) > limits.maxConnectionsPerPeer) {
      peers.remove(peer);
      return refuse(socket, onRefused, { reason: 'peer_connection_limit', peer, detail: `${limits.maxConnectionsPerPeer} open from this address` });
    }
    const connection: Connection = { socket, used: false, idleSince: performance.now() };
    (socket as Socket & Tracked)[CONNECTION] = connection;
    connections.add(connection);
    socket.once('close', () => {
      peers.remove(peer);
      connections.delete(connection);
    });
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const connection = (rawSocketOf(req.socket) as Socket & Tracked)[CONNECTION];
    if (!connection) return;
    connection.used = true;
    connection.idleSince = undefined;
    (res as ServerResponse & Tracked)[CONNECTION] = connection;
    res.on('finish', markIdle);
  });
  const sweep = setInterval(() => {
    const now = performance.now();
    const crowded = connections.size >= limits.crowdedAt;
    for (const { socket, used, idleSince } of connections) {
      if (idleSince === undefined) continue;
      if ((!used && idleSince < now - limits.firstRequestMs) || (crowded && idleSince < now - limits.idleUnderPressureMs)) socket.destroy();
    }
  }, SWEEP_MS);
  sweep.unref();
  return () => clearInterval(sweep);
}

function refuse(socket: Socket, onRefused: (refusal: ClientRefusal) => void, refusal: ClientRefusal): void {
  socket.destroy();
  onRefused(refusal);
}

/** The TCP socket under a TLS socket (the one the 'connection' event saw). */
function rawSocketOf(socket: Socket): Socket {
  return ((socket as Socket & { _parent?: Socket })._parent ?? socket) as Socket;
}
