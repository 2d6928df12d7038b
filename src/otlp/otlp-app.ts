// The OTLP/HTTP metrics receiver's express app: authenticated POST /v1/metrics, one bounded body at a time, OTLP status bodies.
import express from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import { DecodeError } from '../request/decode-error.js';
import { BudgetError, countJsonShape, DEFAULT_DECODE_LIMITS } from './decode-budget.js';
import type { BudgetCounter, DecodeLimits } from './decode-budget.js';
import type { BearerToken } from './otlp-bearer-token.js';
import { BodyError, readBoundedBody } from './otlp-body.js';
import { encodeMetricsResponse, encodeStatus } from './otlp-protobuf.js';
import { scanOtlpJson } from './json-metric-scan.js';
import type { JsonLayout } from './json-metric-scan.js';
import { spanPoints } from './json-span-points.js';
import { protobufMetricPoints } from './protobuf-points.js';
import { metricPoints } from '../signals/metric-points.js';
import type { MetricPoint } from '../signals/metric-points.js';

export const OTLP_METRICS_PATH = '/v1/metrics';
/** The collector's otlphttp exporter batches; its own receiver accepts 20 MiB by default (inflated size here). */
export const DEFAULT_OTLP_BODY_LIMIT_BYTES = DEFAULT_DECODE_LIMITS.inflatedBytes;
/** A body that has not fully arrived after this long is refused (a slow sender cannot hold the one slot). */
export const OTLP_BODY_TIMEOUT_MS = 10_000;
/** Seconds a sender is told to wait when the receiver is busy with another body (the collector honours Retry-After). */
export const OTLP_RETRY_AFTER_SECONDS = 1;

/** google.rpc.Code values used in error bodies. */
const INVALID_ARGUMENT = 3;
const RESOURCE_EXHAUSTED = 8;
const INTERNAL = 13;
const UNAVAILABLE = 14;
const UNAUTHENTICATED = 16;

export type OtlpEncoding = 'protobuf' | 'json';

/** What the receiver logs through (a pino logger fits). */
export interface OtlpLogger {
  debug(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** What one accepted batch came to (a MetricBatch fits; a worker thread sends the counts). */
export interface OtlpBatchSummary {
  points: number;
  incomplete: number;
  ahead: number;
  findings: { length: number };
}

/** Why bodies were turned away, for the metrics and the log. */
export type OtlpRefusal = 'unauthenticated' | 'busy' | 'over-budget' | 'malformed';

export interface OtlpAppDeps {
  /** The metric names the rules read: only their points are decoded. */
  wanted: ReadonlySet<string>;
  /** Runs the points of one accepted request, received at `receivedMs` (the time of points that carry none). */
  ingestPoints(points: MetricPoint[], receivedMs: number): OtlpBatchSummary | Promise<OtlpBatchSummary>;
  logger: OtlpLogger;
  /** Inflated size; shorthand for limits.inflatedBytes. */
  bodyLimitBytes?: number;
  limits?: Partial<DecodeLimits>;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  token?: BearerToken;
  /** While false, requests get 503 + Retry-After (the collector retries): the sinks are not wired yet. */
  ready?: () => boolean;
  /** Counts each refused request (riskgate_otlp_refused_total). */
  onRefused?: (reason: OtlpRefusal) => void;
}

function encodingOf(req: Request): OtlpEncoding | undefined {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

/** OTLP/HTTP: an error response carries a google.rpc.Status in the request's encoding. */
function sendStatus(res: Response, encoding: OtlpEncoding, httpStatus: number, code: number, message: string): void {
  res.status(httpStatus);
  if (encoding === 'json') res.type('application/json').send(JSON.stringify({ code, message }));
  else res.type('application/x-protobuf').send(Buffer.from(encodeStatus(code, message)));
}

/** An OTLP/JSON body (already inflated) → the request object; a DecodeError when it is not JSON. */
export function parseOtlpJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    throw new DecodeError('OTLP_JSON', 'body', `not JSON: ${(error as Error).message}`);
  }
}

/**
 * A body the scan found not to be JSON at byte `at`: JSON.parse's own message, from the text up to that byte (and the
 * rest of its UTF-8 character), so the parse builds no more before it fails than the scan counted.
 */
function refuseNotJson(body: Buffer, at: number): never {
  let end = Math.min(at + 1, body.length);
  while (end < body.length && (body[end]! & 0xc0) === 0x80) end++;
  parseOtlpJson(body.subarray(0, end));
  throw new Error(`the OTLP/JSON scan refused byte ${at}, which JSON.parse accepts`);
}

/**
 * The points of the `wanted` metrics of a body whose bytes are within budget. Protobuf is read off the wire, building
 * only what the rules read. JSON is scanned (grammar, values, resources and points counted; `layout` when the scan ran
 * as the body streamed in) and, in the usual shape, only the wanted metrics and their resources are parsed; a JSON body
 * in another shape is parsed whole, and one that is not JSON fails with JSON.parse's message.
 */
export function pointsWithinBudget(body: Buffer, encoding: OtlpEncoding, counter: BudgetCounter, wanted: ReadonlySet<string>, receivedMs: number, layout?: JsonLayout): MetricPoint[] {
  if (encoding === 'protobuf') return protobufMetricPoints(body, wanted, receivedMs, counter);
  const scanned = layout ?? scanOtlpJson(body, counter);
  if (scanned.kind === 'spans') return spanPoints(body, scanned, wanted, receivedMs);
  if (scanned.kind === 'invalid') refuseNotJson(body, scanned.at);
  const request = parseOtlpJson(body);
  countJsonShape(request, counter);
  return metricPoints(request, wanted, receivedMs);
}

/** Refuses what must not reach the body: not ready, unauthenticated, unknown type, or another body in progress. */
function gateOf(deps: OtlpAppDeps, busy: () => boolean) {
  return (req: Request, res: Response): OtlpEncoding | undefined => {
    const encoding = encodingOf(req);
    const refuse = (reason: OtlpRefusal | undefined, status: number, code: number, message: string) => {
      if (reason) deps.onRefused?.(reason);
      res.set('Connection', 'close');
      sendStatus(res, encoding ?? 'json', status, code, message);
      return undefined;
    };
    if (deps.ready && !deps.ready()) {
      res.set('Retry-After', '1');
      return refuse(undefined, 503, UNAVAILABLE, 'riskgate is starting: retry');
    }
    if (deps.token && !deps.token.accepts(req.headers.authorization)) {
      res.set('WWW-Authenticate', 'Bearer');
      return refuse('unauthenticated', 401, UNAUTHENTICATED, 'a bearer token is required (the collector\'s bearertokenauth extension)');
    }
    if (!encoding) {
      return refuse(undefined, 415, INVALID_ARGUMENT, `unsupported Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')}: send application/x-protobuf or application/json`);
    }
    if (busy()) {
      res.set('Retry-After', String(OTLP_RETRY_AFTER_SECONDS));
      return refuse('busy', 429, RESOURCE_EXHAUSTED, 'the receiver is decoding another batch: retry after the Retry-After delay');
    }
    return encoding;
  };
}

function metricsHandler(deps: OtlpAppDeps) {
  const limits: DecodeLimits = { ...DEFAULT_DECODE_LIMITS, ...(deps.bodyLimitBytes ? { inflatedBytes: deps.bodyLimitBytes } : {}), ...deps.limits };
  let inFlight = false;
  const gate = gateOf(deps, () => inFlight);
  return async (req: Request, res: Response) => {
    const encoding = gate(req, res);
    if (!encoding) return;
    inFlight = true;
    try {
      const { bytes, counter, layout } = await readBoundedBody(req, encoding === 'json', limits, OTLP_BODY_TIMEOUT_MS);
      const receivedMs = Date.now();
      const batch = await deps.ingestPoints(pointsWithinBudget(bytes, encoding, counter, deps.wanted, receivedMs, layout), receivedMs);
      deps.logger.debug({ points: batch.points, incomplete: batch.incomplete, findings: batch.findings.length }, 'OTLP metrics batch');
      if (batch.ahead > 0) deps.logger.warn({ ahead: batch.ahead }, "OTLP points stamped ahead of riskgate's clock were taken at the receive time: check the sender's clock");
      if (encoding === 'json') res.type('application/json').send('{}');
      else res.type('application/x-protobuf').send(Buffer.from(encodeMetricsResponse()));
    } catch (error) {
      refuseBody(deps, res, encoding, error);
    } finally {
      inFlight = false;
    }
  };
}

/** A body over budget (413), that does not inflate or arrive (400, 408, 415) or does not decode (400); anything else is a 500. */
function refuseBody(deps: OtlpAppDeps, res: Response, encoding: OtlpEncoding, error: unknown): void {
  if (error instanceof BudgetError) {
    deps.onRefused?.('over-budget');
    deps.logger.warn({ code: error.code, limit: error.limit }, 'OTLP metrics payload refused: over the decoding budget');
    res.set('Connection', 'close');
    sendStatus(res, encoding, 413, RESOURCE_EXHAUSTED, error.message);
  } else if (error instanceof BodyError) {
    deps.onRefused?.('malformed');
    deps.logger.warn({ status: error.status, message: error.message }, 'OTLP metrics request rejected');
    res.set('Connection', 'close');
    sendStatus(res, encoding, error.status, INVALID_ARGUMENT, `request body: ${error.message}`);
  } else if (error instanceof DecodeError) {
    deps.onRefused?.('malformed');
    deps.logger.warn({ code: error.code, where: error.where, detail: error.detail }, 'OTLP metrics payload rejected');
    sendStatus(res, encoding, 400, INVALID_ARGUMENT, error.message);
  } else {
    deps.logger.error({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'OTLP receiver internal error');
    sendStatus(res, encoding, 500, INTERNAL, 'internal error (see the riskgate log)');
  }
}

/** Errors outside the handler as OTLP status responses. */
function errorHandler(deps: OtlpAppDeps) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    deps.logger.error({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'OTLP receiver internal error');
    sendStatus(res, encodingOf(req) ?? 'json', 500, INTERNAL, 'internal error (see the riskgate log)');
  };
}

export function createOtlpApp(deps: OtlpAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.post(OTLP_METRICS_PATH, metricsHandler(deps));
  app.all(OTLP_METRICS_PATH, (req: Request, res: Response) => {
    res.set('Allow', 'POST');
    sendStatus(res, encodingOf(req) ?? 'json', 405, INVALID_ARGUMENT, `${req.method} is not allowed on ${OTLP_METRICS_PATH}: POST metrics`);
  });
  app.use((req: Request, res: Response) => {
    sendStatus(res, encodingOf(req) ?? 'json', 404, INVALID_ARGUMENT, `no route for ${req.method} ${req.path}: the OTLP metrics path is ${OTLP_METRICS_PATH}`);
  });
  app.use(errorHandler(deps));
  return app;
}
