// Fault-drill load: clients sending real AdmissionReviews over TLS (keep-alive or a new connection each), every outcome kept and classified.
import { Agent, request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { withUid } from './webhook-harness.js';

/** After a request that got no answer, a client waits this long before the next one. */
const FAILURE_PAUSE_MS = 50;

export interface LoadBody {
  /** A label for reports and expectations (allow, deny, warn, record…). */
  kind: string;
  body: unknown;
}

export interface Outcome {
  uid: string;
  kind: string;
  client: number;
  /** performance.now() when the request started, and its duration. */
  startedAt: number;
  ms: number;
  status?: number;
  text?: string;
  /** Error code or message when no answer came. */
  error?: string;
  /** The TLS connection was up (new and handshaken, or reused) when the request went out. */
  connected: boolean;
  /** The whole request was handed to the socket. */
  written: boolean;
  reusedSocket: boolean;
  /** Serial of the certificate the server presented (new connections only). */
  serverSerial?: string;
}

/** An answer came back, or the request never reached an established connection (refused, reset in the handshake). */
export function notSent(o: Outcome): boolean {
  return o.status === undefined && !o.connected;
}

/** A request that went out on an established connection and got no answer: what the API server sees as a failed call. */
export function dropped(o: Outcome): boolean {
  return o.status === undefined && o.connected;
}

export interface LoadOptions {
  port: number;
  ca: string;
  clients: number;
  bodies: readonly LoadBody[];
  /** true: one keep-alive connection per client, as the API server does; false: a new TLS connection (full handshake) per review. */
  keepAlive: boolean;
  path?: string;
  /** A client stops after its first request that got no answer (the drill expects the server to go away). */
  stopOnFailure?: boolean;
  /** Stop once this many reviews were sent in total. */
  maxReviews?: number;
}

export interface RunningLoad {
  readonly outcomes: Outcome[];
  /** Answers received so far. */
  answered(): number;
  /** Resolves once `count` more answers arrived (or the load ended). */
  untilAnswered(count: number): Promise<void>;
  stop(): Promise<Outcome[]>;
  /** Resolves when every client stopped on its own (maxReviews, stopOnFailure). */
  done: Promise<Outcome[]>;
}

function send(agent: Agent, options: LoadOptions, outcome: Outcome, body: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const finish = () => {
      outcome.ms = performance.now() - outcome.startedAt;
      resolve(outcome);
    };
    const req = request(
      { host: '127.0.0.1', port: options.port, method: 'POST', path: options.path ?? '/validate', agent, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        const serial = (res.socket as TLSSocket | null)?.getPeerX509Certificate()?.serialNumber;
        if (serial) outcome.serverSerial = serial;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          outcome.status = res.statusCode ?? 0;
          outcome.text = Buffer.concat(chunks).toString('utf8');
          finish();
        });
        res.on('error', (error: NodeJS.ErrnoException) => {
          outcome.error = error.code ?? error.message;
          finish();
        });
      },
    );
    req.on('socket', (socket) => {
      outcome.reusedSocket = req.reusedSocket;
      if (req.reusedSocket) outcome.connected = true;
      else socket.once('secureConnect', () => (outcome.connected = true));
    });
    req.on('finish', () => (outcome.written = true));
    req.on('error', (error: NodeJS.ErrnoException) => {
      outcome.error = error.code ?? error.message;
      finish();
    });
    req.end(body);
  });
}

const running = new Set<RunningLoad>();

/** Stops every load still running (a drill's afterEach: a failed or timed-out test must not leave clients hammering). */
export async function stopAllLoads(): Promise<void> {
  await Promise.all([...running].map((load) => load.stop()));
}

/** Starts `clients` concurrent clients, each sending one review after the other (bodies in turn, each with a fresh uid). */
export function startLoad(options: LoadOptions): RunningLoad {
  const outcomes: Outcome[] = [];
  let sending = true;
  let sent = 0;
  let answers = 0;
  const waiters: Array<{ at: number; resolve: () => void }> = [];
  const onAnswer = () => {
    answers++;
    for (const w of waiters.filter((x) => answers >= x.at)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  const client = async (n: number): Promise<void> => {
    // maxCachedSessions 0: every new connection is a full handshake that shows the server's current certificate.
    const agent = new Agent({ keepAlive: options.keepAlive, maxSockets: 1, ca: options.ca, maxCachedSessions: 0 });
    try {
      while (sending && (options.maxReviews === undefined || sent < options.maxReviews)) {
        const index = sent++;
        const { kind, body } = options.bodies[index % options.bodies.length]!;
        const uid = `drill-${n}-${index}`;
        const outcome: Outcome = { uid, kind, client: n, startedAt: performance.now(), ms: 0, connected: false, written: false, reusedSocket: false };
        outcomes.push(outcome);
        await send(agent, options, outcome, JSON.stringify(withUid(body, uid)));
        if (outcome.status !== undefined) onAnswer();
        else if (options.stopOnFailure) break;
        // A server that is gone refuses at once: do not spin (a failed drill must still end).
        else await new Promise((resolve) => setTimeout(resolve, FAILURE_PAUSE_MS));
      }
    } finally {
      agent.destroy();
    }
  };
  const done = Promise.all(Array.from({ length: options.clients }, (_, n) => client(n))).then(() => {
    for (const w of waiters.splice(0)) w.resolve();
    running.delete(load);
    return outcomes;
  });
  const load: RunningLoad = {
    outcomes,
    answered: () => answers,
    untilAnswered: (count) => new Promise((resolve) => waiters.push({ at: answers + count, resolve })),
    stop: async () => {
      sending = false;
      return done;
    },
    done,
  };
  running.add(load);
  return load;
}

export interface AnswerShape {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string };
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

/** The AdmissionReview answer of an outcome; throws naming the uid when it is not a valid one for this request. */
export function admissionAnswer(o: Outcome): AnswerShape {
  if (o.status !== 200) throw new Error(`${o.uid}: HTTP ${o.status ?? o.error}`);
  const review = JSON.parse(o.text ?? '') as { apiVersion?: unknown; kind?: unknown; response?: AnswerShape };
  if (review.apiVersion !== 'admission.k8s.io/v1' || review.kind !== 'AdmissionReview') throw new Error(`${o.uid}: not an AdmissionReview: ${o.text}`);
  if (review.response?.uid !== o.uid) throw new Error(`${o.uid}: answer for uid ${String(review.response?.uid)}`);
  if (typeof review.response.allowed !== 'boolean') throw new Error(`${o.uid}: no allowed field`);
  return review.response;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** `p50/p99/max` of the outcomes' durations in ms, for the drill's printout. */
export function latencySummary(outcomes: readonly Outcome[]): { n: number; p50: number; p99: number; max: number } {
  const ms = outcomes.map((o) => o.ms);
  return { n: ms.length, p50: percentile(ms, 50), p99: percentile(ms, 99), max: ms.length ? Math.max(...ms) : Number.NaN };
}
