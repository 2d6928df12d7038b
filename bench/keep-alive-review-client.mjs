// Bench helper: a light HTTP/1.1 client over keep-alive TLS sockets (one request in flight per connection, as the API
// server's webhook client), and the two load shapes of webhook-throughput.mjs: closed loop (max throughput) and open loop (fixed rate).
// Raw sockets rather than node:https's Agent so the client spends as little of the shared CPUs as it can.
import { connect } from 'node:tls';
import { performance } from 'node:perf_hooks';

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;

/** One keep-alive TLS connection; send() resolves with { status, body } of the next response. */
export class ReviewConnection {
  constructor(socket) {
    this.socket = socket;
    this.pending = Buffer.alloc(0);
    this.waiting = undefined;
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('connection closed by the server')));
  }

  static open({ host, port, ca, servername }) {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, ca, servername, ALPNProtocols: ['http/1.1'] }, () => {
        socket.setNoDelay(true);
        resolve(new ReviewConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  get cipher() {
    return `${this.socket.getProtocol()} ${this.socket.getCipher().standardName}`;
  }

  send(request) {
    if (this.waiting) throw new Error('one request at a time per connection');
    // Closed while idle (e.g. by the server's idle-connection sweep): its 'close' came with nothing to reject.
    if (this.socket.destroyed) return Promise.reject(new Error('connection closed by the server while idle'));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  receive(chunk) {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const end = this.pending.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.pending.toString('latin1', 0, end);
    const length = CONTENT_LENGTH.exec(head);
    if (!length) return this.fail(new Error(`response without Content-Length: ${head.split('\r\n')[0]}`));
    const total = end + 4 + Number(length[1]);
    if (this.pending.length < total) return;
    const body = this.pending.subarray(end + 4, total);
    this.pending = this.pending.subarray(total);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve({ status: Number(head.slice(9, 12)), body });
  }

  fail(error) {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }

  close() {
    this.socket.removeAllListeners('close');
    this.socket.end();
  }
}

/** Latencies in ms, unsorted; counts of answers that passed and failed the caller's check. */
function tally() {
  return { latencies: [], ok: 0, bad: 0, firstBad: undefined };
}

function record(t, check, result, latency) {
  t.latencies.push(latency);
  const problem = check(result);
  if (problem === undefined) t.ok++;
  else {
    t.bad++;
    t.firstBad ??= problem;
  }
}

/**
 * Every connection sends its next review as soon as the previous answer arrived, for warmupMs and then seconds.
 * next() → { request: Buffer, check(result) → undefined or a problem string }. Only answers completed inside the
 * measured window count; reviews/s = those / window.
 */
export async function closedLoop(connections, next, { warmupMs, measureMs }) {
  const t = tally();
  const begin = performance.now();
  const from = begin + warmupMs;
  const until = from + measureMs;
  await Promise.all(connections.map(async (connection) => {
    for (;;) {
      const start = performance.now();
      if (start >= until) return;
      const { request, check } = next();
      const result = await connection.send(request);
      const end = performance.now();
      if (start >= from && end <= until) record(t, check, result, end - start);
    }
  }));
  return { ...t, seconds: measureMs / 1000 };
}

/**
 * Open loop: reviews are due at a fixed rate whether or not earlier ones were answered (the API server does not wait
 * for riskgate before admitting the next user's request). A due review goes out on an idle connection, or waits for
 * the first one to free up; its latency runs from when it was due (lateness of the client's own timer excluded,
 * waiting for a busy connection included). The warm-up runs at the same rate and is not counted.
 */
export function openLoop(connections, next, { rate, warmupMs, measureMs }) {
  const t = tally();
  const idle = [...connections];
  const queue = [];
  const total = Math.round(((warmupMs + measureMs) / 1000) * rate);
  const counted = Math.round((warmupMs / 1000) * rate);
  let scheduled = 0;
  let answered = 0;
  let late = 0;
  let begin;
  return new Promise((resolve, reject) => {
    const dispatch = (connection, item) => {
      connection.send(item.review.request).then((result) => {
        const end = performance.now();
        if (item.index >= counted) record(t, item.review.check, result, end - item.due);
        answered++;
        const waiting = queue.shift();
        if (waiting) dispatch(connection, waiting);
        else idle.push(connection);
        if (answered === total) resolve({ ...t, seconds: measureMs / 1000, late, sent: total - counted });
      }, reject);
    };
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - begin) / 1000) * rate) + 1);
      for (; scheduled < due; scheduled++) {
        if (scheduled >= counted && now - (begin + (scheduled * 1000) / rate) > 1) late++;
        const item = { index: scheduled, due: now, review: next() };
        const connection = idle.pop();
        if (connection) dispatch(connection, item);
        else queue.push(item);
      }
      if (scheduled < total) setTimeout(tick, Math.max(0, begin + (scheduled * 1000) / rate - performance.now()));
    };
    begin = performance.now();
    tick();
  });
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
