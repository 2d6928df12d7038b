// The admission port's connection budget: a cap on open connections in all and per peer address, and idle keep-alive connections closed early while the port is crowded.
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

/** Open connections per peer address, and when each connection last finished an answer. */
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

/**
 * Applies the limits to the server's TCP connections. A connection over a cap is destroyed before its TLS handshake
 * (refused and reported); one that sends no request within `firstRequestMs` is closed; while `crowdedAt` connections
 * or more are open, those idle for longer than `idleUnderPressureMs` are closed too (a busy client such as the API
 * server keeps its connections busy; an idle one reconnects).
 */
export function applyConnectionLimits(server: Server, limits: ConnectionLimits, onRefused: (refusal: ClientRefusal) => void): () => void {
  const peers = new PeerCounts();
  const idleSince = new Map<Socket, number>();
  const unused = new Set<Socket>();
  let open = 0;
  server.on('connection', (socket: Socket) => {
    const peer = socket.remoteAddress ?? '';
    if (open >= limits.maxConnections) return refuse(socket, onRefused, { reason: 'too_many_connections', peer, detail: `${open} open` });
    if (peers.add(peer) > limits.maxConnectionsPerPeer) {
      peers.remove(peer);
      return refuse(socket, onRefused, { reason: 'peer_connection_limit', peer, detail: `${limits.maxConnectionsPerPeer} open from this address` });
    }
    open += 1;
    idleSince.set(socket, performance.now());
    unused.add(socket);
    socket.once('close', () => {
      open -= 1;
      peers.remove(peer);
      idleSince.delete(socket);
      unused.delete(socket);
    });
  });
  server.on('request', (req, res) => {
    const socket = req.socket as Socket;
    const raw = rawSocketOf(socket);
    idleSince.delete(raw);
    unused.delete(raw);
    res.on('finish', () => idleSince.set(raw, performance.now())); // a response finishes once
  });
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const socket of unused) if ((idleSince.get(socket) ?? now) < now - limits.firstRequestMs) socket.destroy();
    if (open < limits.crowdedAt) return;
    for (const [socket, since] of idleSince) if (since < now - limits.idleUnderPressureMs) socket.destroy();
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
