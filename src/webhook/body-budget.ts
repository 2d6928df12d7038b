// The bytes of request bodies held in memory at once, in all and per peer address: a crowd of slow bodies cannot grow the process, and cannot crowd out a peer holding less.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

export interface BodyBudgetLimits {
  /** Body bytes received and not yet answered, over every request. */
  maxBytes: number;
  /** The same, for the requests of one peer address. */
  maxBytesPerPeer: number;
}

/** Per peer: one review of the largest size the API server can send (37 MiB) fits. */
export const DEFAULT_BODY_BUDGET: BodyBudgetLimits = { maxBytes: 64 * 1024 * 1024, maxBytesPerPeer: 40 * 1024 * 1024 };

/** One request's share: its peer, the bytes it holds, and how to cut it if a lighter peer needs the room. */
export interface Holding {
  peer: string;
  bytes: number;
  cut(): void;
}

/**
 * Counts the bytes held per peer. A reservation past the peer's limit is refused; past the total, the peer holding the
 * most (more than the asking peer would) loses its largest request (cut) until there is room, else it is refused.
 */
export class BodyBudget {
  private total = 0;
  private readonly byPeer = new Map<string, Set<Holding>>();
  constructor(private readonly limits: BodyBudgetLimits) {}

  private held(peer: string): number {
    let sum = 0;
    for (const h of this.byPeer.get(peer) ?? []) sum += h.bytes;
    return sum;
  }

  /** The largest holding of the heaviest peer other than `peer`, if that peer holds more than `than`. */
  private victim(peer: string, than: number): Holding | undefined {
    let heaviest: string | undefined;
    let most = than;
    for (const other of this.byPeer.keys()) {
      const bytes = other === peer ? 0 : this.held(other);
      if (bytes > most) [heaviest, most] = [other, bytes];
    }
    if (heaviest === undefined) return undefined;
    return [...(this.byPeer.get(heaviest) ?? [])].reduce<Holding | undefined>((a, b) => (a && a.bytes >= b.bytes ? a : b), undefined);
  }

  reserve(holding: Holding, bytes: number): boolean {
    const mine = this.held(holding.peer);
    if (mine + bytes > this.limits.maxBytesPerPeer) return false;
    while (this.total + bytes > this.limits.maxBytes) {
      const victim = this.victim(holding.peer, mine + bytes);
      if (!victim) return false;
      this.release(victim);
      victim.cut();
    }
    this.total += bytes;
    holding.bytes += bytes;
    const set = this.byPeer.get(holding.peer) ?? new Set<Holding>();
    set.add(holding);
    this.byPeer.set(holding.peer, set);
    return true;
  }

  release(holding: Holding): void {
    const set = this.byPeer.get(holding.peer);
    if (!set?.delete(holding)) return;
    this.total -= holding.bytes;
    holding.bytes = 0;
    if (set.size === 0) this.byPeer.delete(holding.peer);
  }

  get inFlight(): number {
    return this.total;
  }

  /** Whether a body this size could ever fit (a larger one is left to the body limit's 413). */
  fits(bytes: number): boolean {
    return bytes <= this.limits.maxBytesPerPeer && bytes <= this.limits.maxBytes;
  }
}

/** Before the app saw the request: 503 with Connection: close; the body is never read (the socket goes after the answer). */
function busy(req: IncomingMessage, res: ServerResponse): void {
  res.once('finish', () => req.socket.destroy());
  res.writeHead(503, { 'content-type': 'application/json', connection: 'close', 'retry-after': '1' });
  res.end(JSON.stringify({ error: { code: 'BUSY', message: 'too many request bodies in flight; retry' } }));
}

/**
 * Wraps the listener: a body's declared length is reserved before the app sees the request (503 when it does not fit
 * now); a body without one (chunked) reserves each chunk as it arrives, and its connection is closed when one does not
 * fit. A request cut for a lighter peer loses its connection. Released when the answer is done or the connection drops.
 */
export function withBodyBudget(listener: RequestListener, budget: BodyBudget, onRefused: (peer: string) => void): RequestListener {
  return (req, res) => {
    const peer = req.socket.remoteAddress ?? '';
    const cut = () => {
      onRefused(peer);
      req.socket.destroy();
    };
    const holding: Holding = { peer, bytes: 0, cut };
    res.on('close', () => budget.release(holding)); // a response closes once
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > 0) {
      if (budget.fits(declared) && !budget.reserve(holding, declared)) {
        onRefused(peer);
        return busy(req, res);
      }
    } else if (req.headers['transfer-encoding'] !== undefined) {
      req.on('data', (chunk: Buffer) => {
        if (!budget.reserve(holding, chunk.length) && !req.socket.destroyed) cut();
      });
    }
    listener(req, res);
  };
}
