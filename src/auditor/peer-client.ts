// Asks one peer replica for its own matching events: TLS pinned to riskgate's serving key before the viewer's token is sent, one deadline for it all, a size cap.
import http from 'node:http';
import { isIP } from 'node:net';
import tls from 'node:tls';
import type { X509Certificate } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { ViewEvent } from './view-event.js';

export interface Peer {
  /** How the view names it: the Pod name, or host:port. */
  name: string;
  /** Base URL of its auditor port, e.g. https://10.1.2.3:8444/ */
  url: string;
}

export interface PeerAsk {
  /** The viewer's bearer token: the peer checks it itself (TokenReview + SubjectAccessReview, or its static token). */
  token: string;
  query: URLSearchParams;
  trusts: (certificate: X509Certificate) => boolean;
  deadlineMs: number;
  /** Cap on the answer, decompressed. */
  maxBytes: number;
}

export interface PeerAnswer {
  events: ViewEvent[];
  /** How many events the peer holds that match (it sends at most the limit asked for). */
  total: number;
}

/** Why a peer did not answer, in a few words the page and the CLI show. */
export class PeerFailure extends Error {}

function connect(url: URL, ask: PeerAsk, sockets: Set<tls.TLSSocket>): Promise<tls.TLSSocket> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port: Number(url.port || 443), rejectUnauthorized: false, ALPNProtocols: ['http/1.1'], ...(isIP(host) ? {} : { servername: host }) });
    sockets.add(socket);
    socket.once('error', (error: NodeJS.ErrnoException) => reject(new PeerFailure(error.code ?? error.message)));
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerX509Certificate();
      if (!certificate || !ask.trusts(certificate)) {
        socket.destroy();
        return reject(new PeerFailure("its certificate is not riskgate's serving certificate (the token was not sent)"));
      }
      resolve(socket);
    });
  });
}

function readCapped(stream: Readable, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stream.destroy();
        return reject(new PeerFailure(`its answer is larger than ${Math.round(maxBytes / 1048576)} MiB`));
      }
      chunks.push(chunk);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', (error) => reject(error instanceof PeerFailure ? error : new PeerFailure(`its answer broke off (${error.message})`)));
  });
}

function isViewEvent(value: unknown): value is ViewEvent {
  const e = value as Partial<Record<keyof ViewEvent, unknown>>;
  return typeof e === 'object' && e !== null && typeof e.event_id === 'string' && typeof e.time === 'string' && !Number.isNaN(Date.parse(e.time))
    && typeof e.rule_id === 'string' && typeof e.action === 'string' && typeof e.fields === 'object' && e.fields !== null;
}

function parseAnswer(status: number | undefined, text: string): PeerAnswer {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new PeerFailure(`HTTP ${status} with a body that is not JSON`);
  }
  if (status !== 200) throw new PeerFailure(`HTTP ${status}: ${(body as { error?: { message?: string } }).error?.message ?? 'refused'}`);
  const answer = body as { events?: unknown; total?: unknown };
  if (!Array.isArray(answer.events) || typeof answer.total !== 'number' || !answer.events.every(isViewEvent)) throw new PeerFailure('its answer is not a list of risk events');
  return { events: answer.events, total: answer.total };
}

async function exchange(peer: Peer, ask: PeerAsk, sockets: Set<tls.TLSSocket>): Promise<PeerAnswer> {
  const url = new URL(`api/events?${ask.query.toString()}`, peer.url);
  const socket = await connect(url, ask, sockets);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { createConnection: () => socket, method: 'GET', host: url.host, path: `${url.pathname}${url.search}`, headers: { authorization: `Bearer ${ask.token}`, accept: 'application/json', 'accept-encoding': 'gzip' } },
      (response) => {
        const body = response.headers['content-encoding'] === 'gzip' ? response.pipe(createGunzip()) : response;
        readCapped(body, ask.maxBytes)
          .then((text) => parseAnswer(response.statusCode, text))
          .then(resolve, reject);
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => reject(new PeerFailure(error.code ?? error.message)));
    request.end();
  });
}

/** The peer's matching events, or a PeerFailure saying why not (no answer within the deadline, refused, not trusted…). */
export async function askPeer(peer: Peer, ask: PeerAsk): Promise<PeerAnswer> {
  const sockets = new Set<tls.TLSSocket>();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PeerFailure(`no answer within ${ask.deadlineMs / 1000} s`)), ask.deadlineMs);
  });
  try {
    return await Promise.race([exchange(peer, ask, sockets), deadline]);
  } finally {
    clearTimeout(timer);
    for (const socket of sockets) socket.destroy();
  }
}
