// POST /validate, /validate/enforce, /validate/observe: parse, review, append risk events to the sink, answer, notify observers.
import type { ServerResponse } from 'node:http';
import express from 'express';
import type { Request, Router } from 'express';
import type { Logger } from 'pino';
import type { NamespaceLabels } from '../engine/namespace-labels.js';
import type { Policy } from '../engine/policy.js';
import type { RiskSink } from '../outputs/risk-sink.js';
import type { Rule } from '../rules/rule.js';
import { admissionBodyReader, bodyBytesOf } from './admission-body.js';
import type { BodyParser } from './body-limit.js';
import type { InputRejection } from './input-error.js';
import { emptyBody, errorBody, isDecodeError, rejectionOfDecodeError, rejectionOfParserError, unsupportedContentType } from './input-error.js';
import { sendJson } from './json-answer.js';
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
  namespaceLabels?: NamespaceLabels;
}

/** A body reader in connect's shape: reads the body into `req.body`, or calls next with its error (too large, not JSON…). */
export type { BodyParser };

function notify(deps: ValidateDeps, call: (o: ReviewObserver) => void): void {
  for (const observer of deps.observers) {
    try {
      call(observer);
    } catch (error) {
      deps.logger.error({ err: error }, 'review observer failed');
    }
  }
}

export function reject(deps: ValidateDeps, res: ServerResponse, rejection: InputRejection): void {
  deps.logger.warn({ path: rejection.path, status: rejection.status, code: rejection.code, field: rejection.field }, 'bad admission request');
  if (deps.lifecycle.draining) res.setHeader('Connection', 'close');
  sendJson(res, rejection.status, errorBody(rejection));
  const durationMs = elapsedMs(res);
  notify(deps, (o) => o.onRejected?.(rejection, durationMs));
}

/** An error out of the parser or a handler: bad input gets its 4xx, anything else a 500 that names no internals. */
export function answerError(deps: ValidateDeps, res: ServerResponse, error: unknown, path: string): void {
  const rejection = rejectionOfParserError(error, path);
  if (rejection) return reject(deps, res, rejection);
  deps.logger.error({ path, err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'internal error');
  sendJson(res, 500, errorBody({ status: 500, code: 'INTERNAL', message: 'internal error (see the riskgate log)', field: '', path }));
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
      exempted: decision.exempted.map((e) => `${e.finding.rule.id}: ${e.exemption}`),
      durationMs,
    },
    'admission review',
  );
}

/** The one JSON reader of the three admission paths (3 MiB by default), for express routes and plain requests alike. */
export function admissionBodyParser(limitBytes: number): BodyParser {
  return admissionBodyReader(limitBytes);
}

/** Reviews a parsed body and answers it; `path` names the request in rejections. */
export function answerReview(deps: ValidateDeps, scope: ReviewScope, path: string, body: unknown, res: ServerResponse): void {
  if (bodyBytesOf(res) === 0) return reject(deps, res, emptyBody(path));
  let result: ReviewResult;
  try {
    result = reviewAdmission({ body, policy: deps.policy(), rules: deps.rules, now: deps.clock(), scope, namespaceLabels: deps.namespaceLabels });
  } catch (error) {
    if (isDecodeError(error)) return reject(deps, res, rejectionOfDecodeError(error, path));
    throw error;
  }
  // The sink only appends (spool or buffered log): nothing slow happens before the answer, whatever ?timeout= says.
  if (result.riskEvents.length > 0) deps.sink.write(result.riskEvents);
  if (deps.lifecycle.draining) res.setHeader('Connection', 'close');
  sendJson(res, 200, result.response);
  const durationMs = elapsedMs(res);
  logReview(deps.logger, result, durationMs);
  notify(deps, (o) => o.onReview?.(result, durationMs));
}

/** The three admission paths as express routes: one parser and one handler, differing only in scope. */
export function validateRouter(deps: ValidateDeps, parse: BodyParser): Router {
  const router = express.Router();
  for (const { path, scope } of SCOPE_PATHS) {
    router.post(path, (req, res, next) => {
      // Refuse a wrong content type before reading the body, so a large non-JSON upload costs nothing.
      const type = req.is('application/json');
      if (type === null) return reject(deps, res, emptyBody(req.path));
      if (type === false) return reject(deps, res, unsupportedContentType(req.get('content-type'), req.path));
      parse(req, res, next);
    }, (req: Request, res) => answerReview(deps, scope, req.path, req.body as unknown, res));
  }
  return router;
}
