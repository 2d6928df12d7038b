// The OTLP/HTTP metrics receiver's express app: POST /v1/metrics in protobuf or JSON, gzip accepted, OTLP status bodies.
import express from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import { DecodeError } from '../request/decode-error.js';
import type { MetricBatch } from './metric-pipeline.js';
import { decodeMetricsProtobuf, encodeMetricsResponse, encodeStatus } from './otlp-protobuf.js';

export const OTLP_METRICS_PATH = '/v1/metrics';
/** The collector's otlphttp exporter batches; its own receiver accepts 20 MiB by default. */
export const DEFAULT_OTLP_BODY_LIMIT_BYTES = 20 * 1024 * 1024;

/** google.rpc.Code values used in error bodies. */
const INVALID_ARGUMENT = 3;
const INTERNAL = 13;
const UNAVAILABLE = 14;

export type OtlpEncoding = 'protobuf' | 'json';

/** What the receiver logs through (a pino logger fits). */
export interface OtlpLogger {
  debug(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface OtlpAppDeps {
  /** Runs one decoded ExportMetricsServiceRequest; throws a DecodeError for a payload it cannot read. */
  ingest(request: unknown): MetricBatch;
  logger: OtlpLogger;
  bodyLimitBytes?: number;
  /** While false, requests get 503 + Retry-After (the collector retries): the sinks are not wired yet. */
  ready?: () => boolean;
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

/** The request body (already inflated) → an ExportMetricsServiceRequest in its JSON shape; a DecodeError when it is not one. */
export function decodeOtlpBody(body: Buffer, encoding: OtlpEncoding): unknown {
  if (encoding === 'protobuf') {
    try {
      return decodeMetricsProtobuf(body);
    } catch (error) {
      throw new DecodeError('OTLP_PROTOBUF', 'body', `not an ExportMetricsServiceRequest: ${(error as Error).message}`);
    }
  }
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    throw new DecodeError('OTLP_JSON', 'body', `not JSON: ${(error as Error).message}`);
  }
}

function metricsHandler(deps: OtlpAppDeps) {
  return (req: Request, res: Response) => {
    const encoding = encodingOf(req);
    if (deps.ready && !deps.ready()) {
      res.set('Retry-After', '1');
      sendStatus(res, encoding ?? 'json', 503, UNAVAILABLE, 'riskgate is starting: retry');
      return;
    }
    if (!encoding) {
      sendStatus(res, 'json', 415, INVALID_ARGUMENT, `unsupported Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')}: send application/x-protobuf or application/json`);
      return;
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let batch: MetricBatch;
    try {
      batch = deps.ingest(decodeOtlpBody(body, encoding));
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      deps.logger.warn({ code: error.code, where: error.where, detail: error.detail }, 'OTLP metrics payload rejected');
      sendStatus(res, encoding, 400, INVALID_ARGUMENT, error.message);
      return;
    }
    deps.logger.debug({ points: batch.points, incomplete: batch.incomplete, findings: batch.findings.length }, 'OTLP metrics batch');
    if (batch.ahead > 0) deps.logger.warn({ ahead: batch.ahead }, "OTLP points stamped ahead of riskgate's clock were taken at the receive time: check the sender's clock");
    if (encoding === 'json') res.type('application/json').send('{}');
    else res.type('application/x-protobuf').send(Buffer.from(encodeMetricsResponse()));
  };
}

/** body-parser errors (gzip that does not inflate, too large, unknown Content-Encoding) as OTLP status responses. */
function parserErrorHandler(deps: OtlpAppDeps) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const encoding = encodingOf(req) ?? 'json';
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      deps.logger.warn({ status, message: (error as Error).message }, 'OTLP metrics request rejected');
      sendStatus(res, encoding, status, INVALID_ARGUMENT, `request body: ${(error as Error).message}`);
      return;
    }
    deps.logger.error({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'OTLP receiver internal error');
    sendStatus(res, encoding, 500, INTERNAL, 'internal error (see the riskgate log)');
  };
}

export function createOtlpApp(deps: OtlpAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // inflate: body-parser undoes Content-Encoding gzip/deflate/br, as the otlphttp exporter's compression: gzip needs.
  app.post(OTLP_METRICS_PATH, express.raw({ type: () => true, limit: deps.bodyLimitBytes ?? DEFAULT_OTLP_BODY_LIMIT_BYTES, inflate: true }), metricsHandler(deps));
  app.all(OTLP_METRICS_PATH, (req: Request, res: Response) => {
    res.set('Allow', 'POST');
    sendStatus(res, encodingOf(req) ?? 'json', 405, INVALID_ARGUMENT, `${req.method} is not allowed on ${OTLP_METRICS_PATH}: POST metrics`);
  });
  app.use((req: Request, res: Response) => {
    sendStatus(res, encodingOf(req) ?? 'json', 404, INVALID_ARGUMENT, `no route for ${req.method} ${req.path}: the OTLP metrics path is ${OTLP_METRICS_PATH}`);
  });
  app.use(parserErrorHandler(deps));
  return app;
}
