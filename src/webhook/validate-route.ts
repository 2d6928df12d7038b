// POST /validate, /validate/enforce, /validate/observe: parse, review, append risk events to the sink, answer, notify observers.
import express from 'express';
import type { Request, Response, Router } from 'express';
import type { Logger } from 'pino';
import type { Policy } from '../engine/policy.js';
import type { RiskSink } from '../outputs/risk-sink.js';
import type { Rule } from '../rules/rule.js';
import { refusingOversizedBodies } from './body-limit.js';
import type { BodyParser } from './body-limit.js';
import type { InputRejection } from './input-error.js';
import { emptyBody, errorBody, isDecodeError, rejectionOfDecodeError, unsupportedContentType } from './input-error.js';
import type { Lifecycle } from './lifecycle.js';
import { reviewAdmission } from './review.js';
import type { ReviewResult } from './review.js';
import type { ReviewObserver } from './review-observer.js';
import type { ReviewScope } from './review-scope.js';
import { SCOPE_PATHS } from './review-scope.js';
import { elapsedMs } from './request-clock.js';

export interface ValidateDeps {
  rules: readonly Rule[];
  policy: () => Policy;
  sink: RiskSink;
  logger: Logger;
  clock: () => Date;
  lifecycle: Lifecycle;
  observers: readonly ReviewObserver[];
  bodyLimitBytes: number;
}

function notify(deps: ValidateDeps, call: (o: ReviewObserver) => void): void {
  for (const observer of deps.observers) {
    try {
      call(observer);
    } catch (error) {
      deps.logger.error({ err: error }, 'review observer failed');
    }
  }
}

export function reject(deps: ValidateDeps, res: Response, rejection: InputRejection): void {
  deps.logger.warn({ path: rejection.path, status: rejection.status, code: rejection.code, field: rejection.field }, 'bad admission request');
  if (deps.lifecycle.draining) res.setHeader('Connection', 'close');
  res.status(rejection.status).json(errorBody(rejection));
  const durationMs = elapsedMs(res);
  notify(deps, (o) => o.onRejected?.(rejection, durationMs));
}

function logReview(logger: Logger, result: ReviewResult, durationMs: number): void {
  if (!logger.isLevelEnabled('debug')) return;
  const { request, decision, scope } = result;
  logger.debug(
    {
      uid: request.uid,
      scope,
      operation: request.operation,
      resource: request.subResource ? `${request.resource}/${request.subResource}` : request.resource,
      namespace: request.namespace,
      name: request.name,
      user: request.user.username,
      dryRun: request.dryRun,
      allowed: decision.allowed,
      verdicts: decision.verdicts.map((v) => `${v.finding.rule.id}=${v.action}`),
      exempted: decision.exempted.map((e) => e.finding.rule.id),
      durationMs,
    },
    'admission review',
  );
}

const BODY_BYTES = 'riskgateBodyBytes';

function handle(deps: ValidateDeps, scope: ReviewScope, req: Request, res: Response): void {
  if (!res.locals[BODY_BYTES]) return reject(deps, res, emptyBody(req.path));
  let result: ReviewResult;
  try {
    result = reviewAdmission({ body: req.body as unknown, policy: deps.policy(), rules: deps.rules, now: deps.clock(), scope });
  } catch (error) {
    if (isDecodeError(error)) return reject(deps, res, rejectionOfDecodeError(error, req.path));
    throw error;
  }
  // The sink only appends (spool or buffered log): nothing slow happens before the answer, whatever ?timeout= says.
  if (result.riskEvents.length > 0) deps.sink.write(result.riskEvents);
  if (deps.lifecycle.draining) res.setHeader('Connection', 'close');
  res.json(result.response);
  const durationMs = elapsedMs(res);
  logReview(deps.logger, result, durationMs);
  notify(deps, (o) => o.onReview?.(result, durationMs));
}

/** The three admission paths share one JSON parser (3 MiB by default) and one handler, differing only in scope. */
export function validateRouter(deps: ValidateDeps): Router {
  const router = express.Router();
  const json = refusingOversizedBodies(
    express.json({
      limit: deps.bodyLimitBytes,
      type: () => true,
      strict: true,
      // body-parser turns an empty body into {}: remember its size so it is refused as empty, not as an invalid review.
      verify: (_req, res, buf) => {
        (res as Response).locals[BODY_BYTES] = buf.length;
      },
    }) as unknown as BodyParser,
    deps.bodyLimitBytes,
  );
  for (const { path, scope } of SCOPE_PATHS) {
    router.post(path, (req, res, next) => {
      // Refuse a wrong content type before reading the body, so a large non-JSON upload costs nothing.
      const type = req.is('application/json');
      if (type === null) return reject(deps, res, emptyBody(req.path));
      if (type === false) return reject(deps, res, unsupportedContentType(req.get('content-type'), req.path));
      json(req, res, next);
    }, (req, res) => handle(deps, scope, req, res));
  }
  return router;
}
