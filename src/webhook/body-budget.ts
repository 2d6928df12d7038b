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

/** One peer's holdings and the bytes they hold together. */
interface PeerHoldings {
  bytes: number;
  readonly holdings: Set<Holding>;
}

/**
 * Counts the bytes held per peer. A reservation past the peer's limit is refused; past the total, the peer holding the
 * most (more than the asking peer would) loses its largest request (cut) until there is room, else it is refused.
 */
export class BodyBudget {
  private total = 0;
  private readonly byPeer = new Map<string, PeerHoldings>();
  constructor(private readonly limits: BodyBudgetLimits) {}

  private held(peer: string): number {
    return this.byPeer.get(peer)?.bytes ?? 0;
  }

  /** The largest holding of the heaviest peer other than `peer`, if that peer holds more than `than`. */
  private victim(peer: string, than: number): Holding | undefined {
    let heaviest: PeerHoldings | undefined;
    let most = than;
    for (const [other, held] of this.byPeer) {
      if (other !== peer && held.bytes > most) [heaviest, most] = [held, held.bytes];
    }
    if (heaviest === undefined) return undefined;
    return [...heaviest.holdings].reduce<Holding | undefined>((a, b) => (a && a.bytes >= b.bytes ? a : b), undefined);
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
    let peer = this.byPeer.get(holding.peer);
    if (!peer) this.byPeer.set(holding.peer, (peer = { bytes: 0, holdings: new Set() }));
    this.total += bytes;
    peer.bytes += bytes;
    holding.bytes += bytes;
    peer.holdings.add(holding);
    return true;
  }

  release(holding: Holding): void {
    const peer = this.byPeer.get(holding.peer);
    if (!peer?.holdings.delete(holding)) return;
    this.total -= holding.bytes;
    peer.bytes -= holding.bytes;
    holding.bytes = 0;
    if (peer.holdings.size === 0) this.byPeer.delete(holding.peer);
  }

  get inFlight(): number {
    return this.total;
  }

  /** Whether a body this size could ever fit (a larger one is left to the body limit's 413). */
  fits(bytes: number): boolean {
    return bytes <= this.limits.maxBytesPerPeer && bytes <= this.limits.maxBytes;
  }
}

/** The holding of a response's request, on the response. */
const HOLDING = Symbol('riskgate.bodyHolding');
type Holder = { [HOLDING]?: Holding };

/** A request's share: cut, it reports the refusal and loses its connection (a request is not half-read and answered). */
class RequestHolding implements Holding {
  readonly peer: string;
  bytes = 0;

  constructor(
    private readonly req: IncomingMessage,
    private readonly onRefused: (peer: string) => void,
  ) {
    this.peer = req.socket.remoteAddress ?? '';
  }

  cut(): void {
    this.onRefused(this.peer);
    this.req.socket.destroy();
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
  // One close listener for every response: it releases what the response's request holds.
  const release = function (this: ServerResponse): void {
    const holding = (this as ServerResponse & Holder)[HOLDING];
    if (holding) budget.release(holding);
  };
  return (req, res) => {
    const holding = new RequestHolding(req, onRefused);
    (res as ServerResponse & Holder)[HOLDING] = holding;
    res.on('close', release);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > 0) {
      if (budget.fits(declared) && !budget.reserve(holding, declared)) {
        onRefused(holding.peer);
        return busy(req, res);
      }
    } else if (req.headers['transfer-encoding'] !== undefined) {
      req.on('data', (chunk: Buffer) => {
        if (!budget.reserve(holding, chunk.length) && !req.socket.destroyed) holding.cut();
      });
    }
    listener(req, res);
  };
}
