// A loopback HTTP(S) server that speaks the Splunk HEC protocol (token, batches, ackIds, /ack, /health) with injectable outages.
import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/** ok: normal; busy: 503 code 9; throttled: 429; refuse: not listening; stall: never answers; malformed: 200 with junk; slow: answers late. */
export type HecMode = 'ok' | 'busy' | 'throttled' | 'refuse' | 'stall' | 'malformed' | 'slow';

export interface HecTestServerOptions {
  token: string;
  /** Indexer acknowledgement on: a channel is required, answers carry ackIds. */
  ack?: boolean;
  /** Ack answers turn true after this many ack queries for the id (1 = the first query already sees it). */
  ackAfterQueries?: number;
  tls?: { cert: string; key: string };
  /** Retry-After (seconds) sent with 503/429. */
  retryAfterSeconds?: number;
  slowMs?: number;
}

export interface ReceivedEvent {
  time: number;
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  event: Record<string, unknown>;
  fields?: Record<string, unknown>;
  channel?: string;
  ackId?: number;
}

interface Channel {
  nextAckId: number;
  pending: Map<number, { events: ReceivedEvent[]; queries: number }>;
}

/** Splits concatenated JSON objects (`{…}{…}` or newline-separated), as HEC reads a batch; undefined on bad JSON. */
export function splitConcatenatedJson(body: string): unknown[] | undefined {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth < 0) return undefined;
      if (depth === 0) {
        try {
          out.push(JSON.parse(body.slice(start, i + 1)));
        } catch {
          return undefined;
        }
      }
    } else if (depth === 0 && !/\s/.test(c ?? '')) return undefined;
  }
  return depth === 0 && !inString ? out : undefined;
}

export class HecTestServer extends EventEmitter {
  mode: HecMode = 'ok';
  /** Every event accepted with 200 (before any ack). */
  readonly received: ReceivedEvent[] = [];
  /** Events whose ackId was reported true (with ack on), or every accepted event (ack off). */
  readonly indexed: ReceivedEvent[] = [];
  readonly statuses: number[] = [];
  eventPosts = 0;
  ackQueries = 0;
  private readonly channels = new Map<string, Channel>();
  private readonly sockets = new Set<Socket>();
  private readonly server: http.Server;
  private port = 0;

  constructor(private readonly options: HecTestServerOptions) {
    super();
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => this.handle(req, res);
    this.server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler) : http.createServer(handler);
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('secureConnection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get url(): string {
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    await this.listen(0);
    return this;
  }

  /** Switches mode; `refuse` closes the listener and every connection (connection refused), leaving it reopens on the same port. */
  async setMode(mode: HecMode): Promise<void> {
    const wasRefusing = this.mode === 'refuse';
    this.mode = mode;
    if (mode === 'refuse' && !wasRefusing) await this.stopListening();
    if (mode !== 'refuse' && wasRefusing) await this.listen(this.port);
    if (mode !== 'stall') this.emit('change');
  }

  uniqueIndexedIds(): Set<string> {
    return new Set(this.indexed.map((e) => String(e.event['event_id'])));
  }

  /** Resolves when `predicate` holds (checked after every request), rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!predicate()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`HEC test server: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off('change', check);
      };
      this.on('change', check);
    });
  }

  async close(): Promise<void> {
    await this.stopListening();
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private stopListening(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (this.mode === 'stall') return; // holds the request open, never answers
      const answer = (): void => {
        this.route(req, body, res);
        this.emit('change');
      };
      if (this.mode === 'slow') setTimeout(answer, this.options.slowMs ?? 200);
      else answer();
    });
  }

  private reply(res: http.ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
    this.statuses.push(status);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private route(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname === '/services/collector/health') {
      const healthy = this.mode === 'ok' || this.mode === 'slow';
      return this.reply(res, healthy ? 200 : 503, healthy ? { text: 'HEC is healthy', code: 17 } : { text: 'HEC is unhealthy, queues are full', code: 18 });
    }
    if (req.method !== 'POST') return this.reply(res, 405, { text: 'Method not allowed', code: 8 });
    const auth = this.authorize(req);
    if (auth) return this.reply(res, auth.status, auth.body);
    if (this.mode === 'busy' || this.mode === 'throttled') {
      const retry: Record<string, string> = this.options.retryAfterSeconds !== undefined ? { 'retry-after': String(this.options.retryAfterSeconds) } : {};
      return this.reply(res, this.mode === 'busy' ? 503 : 429, { text: 'Server is busy', code: 9 }, retry);
    }
    if (this.mode === 'malformed') {
      this.statuses.push(200);
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end('<html><body>502 Bad Gateway from a proxy</body></html>');
    }
    const channel = req.headers['x-splunk-request-channel']?.toString() ?? url.searchParams.get('channel') ?? undefined;
    if (url.pathname === '/services/collector/ack') return this.answerAck(res, body, channel);
    if (['/services/collector/event', '/services/collector', '/services/collector/event/1.0'].includes(url.pathname)) return this.acceptEvents(res, body, channel);
    return this.reply(res, 404, { text: 'The requested URL was not found on this server.', code: 404 });
  }

  private authorize(req: http.IncomingMessage): { status: number; body: object } | undefined {
    const header = req.headers.authorization;
    if (!header) return { status: 401, body: { text: 'Token is required', code: 2 } };
    const match = /^Splunk (\S+)$/.exec(header);
    if (!match) return { status: 401, body: { text: 'Invalid authorization', code: 3 } };
    if (match[1] !== this.options.token) return { status: 403, body: { text: 'Invalid token', code: 4 } };
    return undefined;
  }

  private channelOf(id: string): Channel {
    let channel = this.channels.get(id);
    if (!channel) this.channels.set(id, (channel = { nextAckId: 0, pending: new Map() }));
    return channel;
  }

  private acceptEvents(res: http.ServerResponse, body: string, channelId: string | undefined): void {
    this.eventPosts++;
    if (this.options.ack && !channelId) return this.reply(res, 400, { text: 'Data channel is missing', code: 10 });
    if (body.trim() === '') return this.reply(res, 400, { text: 'No data', code: 5 });
    const objects = splitConcatenatedJson(body);
    if (!objects) return this.reply(res, 400, { text: 'Invalid data format', code: 6, 'invalid-event-number': 0 });
    const events: ReceivedEvent[] = [];
    for (const [n, object] of objects.entries()) {
      const e = object as Omit<Partial<ReceivedEvent>, 'event'> & { event?: unknown };
      if (e.event === undefined || e.event === null) return this.reply(res, 400, { text: 'Event field is required', code: 12, 'invalid-event-number': n });
      if (e.event === '' || (typeof e.event === 'object' && Object.keys(e.event).length === 0)) {
        return this.reply(res, 400, { text: 'Event field cannot be blank', code: 13, 'invalid-event-number': n });
      }
      if (e.time !== undefined && typeof e.time !== 'number') return this.reply(res, 400, { text: 'Invalid data format', code: 6, 'invalid-event-number': n });
      events.push({ ...(e as unknown as ReceivedEvent), ...(channelId ? { channel: channelId } : {}) });
    }
    this.received.push(...events);
    if (!this.options.ack) {
      this.indexed.push(...events);
      return this.reply(res, 200, { text: 'Success', code: 0 });
    }
    const channel = this.channelOf(channelId!);
    const ackId = channel.nextAckId++;
    channel.pending.set(ackId, { events: events.map((e) => ({ ...e, ackId })), queries: 0 });
    return this.reply(res, 200, { text: 'Success', code: 0, ackId });
  }

  private answerAck(res: http.ServerResponse, body: string, channelId: string | undefined): void {
    this.ackQueries++;
    if (!this.options.ack) return this.reply(res, 400, { text: 'ACK is disabled', code: 14 });
    if (!channelId) return this.reply(res, 400, { text: 'Data channel is missing', code: 10 });
    const request = splitConcatenatedJson(body)?.[0] as { acks?: unknown } | undefined;
    if (!request || !Array.isArray(request.acks)) return this.reply(res, 400, { text: 'Invalid data format', code: 6 });
    const channel = this.channelOf(channelId);
    const acks: Record<string, boolean> = {};
    for (const id of request.acks as number[]) {
      const pending = channel.pending.get(id);
      if (!pending) {
        acks[String(id)] = false;
        continue;
      }
      pending.queries++;
      const done = pending.queries >= (this.options.ackAfterQueries ?? 1);
      if (done) {
        this.indexed.push(...pending.events);
        channel.pending.delete(id);
      }
      acks[String(id)] = done;
    }
    return this.reply(res, 200, { acks });
  }
}
