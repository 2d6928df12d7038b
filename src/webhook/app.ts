// Builds the webhook's request listener (express app + the review fast path) from its dependencies, apart from any server.
import type { RequestListener } from 'node:http';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { NamespaceLabels } from '../engine/namespace-labels.js';
import type { Policy } from '../engine/policy.js';
import { FanOutSink } from '../outputs/risk-sink.js';
import type { RiskSink } from '../outputs/risk-sink.js';
import { SinkRefusalLog } from '../outputs/sink-refusal-log.js';
import type { Rule } from '../rules/rule.js';
import { healthRouter } from './health-routes.js';
import { Lifecycle } from './lifecycle.js';
import { arrivalStamp } from './request-clock.js';
import type { ReviewObserver } from './review-observer.js';
import { withReviewFastPath } from './review-fast-path.js';
import { admissionBodyParser, answerError, validateRouter } from './validate-route.js';
import type { ValidateDeps } from './validate-route.js';

/** The API server refuses a request body over 3 MiB: the largest object a review can carry. */
export const MAX_OBJECT_BYTES = 3 * 1024 * 1024;
/** Go's JSON encoder writes `<`, `>`, `&` (and U+2028/9, invalid UTF-8) as six-byte `\u003c` escapes. */
const WORST_ESCAPE_FACTOR = 6;
/** Room for the review around the objects: userInfo, options, names, kinds. */
const ENVELOPE_BYTES = 1024 * 1024;

/**
 * The largest AdmissionReview the API server can send: an UPDATE carries object and oldObject, each up to
 * MAX_OBJECT_BYTES with every byte escaped (37 MiB). Anything larger did not come from the API server; a refused body
 * fails the call, so the enforce entry (failurePolicy Fail) refuses the request rather than skipping its deny rules.
 */
export const DEFAULT_BODY_LIMIT_BYTES = 2 * MAX_OBJECT_BYTES * WORST_ESCAPE_FACTOR + ENVELOPE_BYTES;

export interface AppDeps {
  rules: readonly Rule[];
  /** Read once per review, so a reload never mixes two policies within one answer. */
  policy: () => Policy;
  /** Every risk event goes to each sink; one failing sink is logged and does not stop the others. */
  sinks: readonly RiskSink[];
  logger: Logger;
  clock?: () => Date;
  lifecycle?: Lifecycle;
  observers?: readonly ReviewObserver[];
  bodyLimitBytes?: number;
  /** The labels of a namespace (serve --watch-namespaces); absent: namespaceLabels exemptions apply to nothing. */
  namespaceLabels?: NamespaceLabels;
}

export interface WebhookApp {
  /** The request listener for the HTTPS server. */
  app: RequestListener;
  lifecycle: Lifecycle;
  /** The fan-out over deps.sinks that the route writes to. */
  sink: RiskSink;
}

export function createApp(deps: AppDeps): WebhookApp {
  const lifecycle = deps.lifecycle ?? new Lifecycle();
  const sink = new FanOutSink(deps.sinks, new SinkRefusalLog(deps.logger));
  const validate: ValidateDeps = {
    rules: deps.rules,
    policy: deps.policy,
    sink,
    logger: deps.logger,
    clock: deps.clock ?? (() => new Date()),
    lifecycle,
    observers: deps.observers ?? [],
    bodyLimitBytes: deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    ...(deps.namespaceLabels ? { namespaceLabels: deps.namespaceLabels } : {}),
  };
  const parse = admissionBodyParser(validate.bodyLimitBytes);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(arrivalStamp);
  app.use(healthRouter(lifecycle));
  app.use(validateRouter(validate, parse));
  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: `no route for ${req.method} ${req.path}`, field: 'path' } });
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => answerError(validate, res, error, req.path));
  return { app: withReviewFastPath(validate, parse, app), lifecycle, sink };
}
