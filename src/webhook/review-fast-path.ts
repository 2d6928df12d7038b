// The API server's usual call (POST to an admission path, JSON, a Content-Length) served without express's router:
// the same parser, review and answer as the express route, at a fraction of the cost; any other request goes to express.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { stampArrival } from './request-clock.js';
import type { ReviewScope } from './review-scope.js';
import { SCOPE_PATHS } from './review-scope.js';
import { answerError, answerReview } from './validate-route.js';
import type { BodyParser, ValidateDeps } from './validate-route.js';

const SCOPES: ReadonlyMap<string, ReviewScope> = new Map(SCOPE_PATHS.map(({ path, scope }) => [path, scope]));

/** The Content-Type values the API server sends; any other (parameters, case, charset) takes the express route. */
const PLAIN_JSON = /^application\/json(?:; ?charset=utf-8)?$/i;

/** Path and scope when express's route would take the request straight to the parser and the review, else undefined. */
function fastScope(req: IncomingMessage): { path: string; scope: ReviewScope } | undefined {
  if (req.method !== 'POST') return undefined;
  const { headers } = req;
  if (headers['content-length'] === undefined || headers['transfer-encoding'] !== undefined) return undefined;
  if (!PLAIN_JSON.test(headers['content-type'] ?? '')) return undefined;
  const url = req.url ?? '';
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  const scope = SCOPES.get(path);
  return scope === undefined ? undefined : { path, scope };
}

/**
 * Wraps the express app: exact admission paths with a plain JSON body skip express's router (and its per-request
 * prototype swaps, most of a review's cost), everything else (health, 404, odd spellings, other content types, chunked
 * bodies) is served by `fallback` unchanged. Both ways run the same body parser, checks and handler.
 */
export function withReviewFastPath(deps: ValidateDeps, parse: BodyParser, fallback: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const target = fastScope(req);
    if (!target) return fallback(req, res);
    stampArrival(res);
    parse(req, res, (error?: unknown) => {
      if (error !== undefined) return answerError(deps, res, error, target.path);
      try {
        answerReview(deps, target.scope, target.path, (req as IncomingMessage & { body?: unknown }).body, res);
      } catch (thrown) {
        answerError(deps, res, thrown, target.path);
      }
    });
  };
}
