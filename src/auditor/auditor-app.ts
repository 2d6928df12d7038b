// The auditor view's express app (read-only): sign-in, the page, one event's detail, exports and the JSON API, every route behind the bearer-token check.
import { hostname } from 'node:os';
import express from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import type { Policy } from '../engine/policy.js';
import { RiskgateError } from '../riskgate-error.js';
import type { AccessDecision, Authenticator } from './authenticator.js';
import { auditFindings } from './audit-findings.js';
import type { AuditSection } from './audit-section-html.js';
import { AUDITOR_CSS } from './auditor-css.js';
import type { ClusterAuditSource } from './cluster-audit-reader.js';
import { renderPage } from './auditor-page.js';
import { eventsCsv, eventsJson } from './event-export.js';
import { renderDetail } from './event-detail-page.js';
import { parseFilter, type EventFilter, type FilterInput } from './event-filter.js';
import { totalsBy } from './event-totals.js';
import { FleetEvents, type FleetView, type Scope } from './fleet-events.js';
import { DEFAULT_PAGE_SIZE, DEFAULT_SINCE, type PageInput } from './filter-form.js';
import { judgingPolicy } from './judged-event-memory.js';
import { sendJson } from './json-response.js';
import { ruleCounts } from './rule-counts.js';
import { renderMessage } from './message-page.js';
import { renderSignIn } from './sign-in-page.js';
import { FailedSignInLimiter } from './failed-sign-in-limiter.js';
import { SESSION_TTL_MS, SessionSeal } from './session-seal.js';
import type { ViewEvent } from './view-event.js';

export const TOKEN_COOKIE = 'riskgate_auditor_token';
const RECENT_DENIALS = 10;
const INPUT_KEYS = ['since', 'from', 'until', 'rule', 'action', 'namespace', 'user', 'name', 'id', 'limit', 'offset'] as const;

export interface AuditorDeps {
  authenticator: Authenticator;
  /** This replica's events (the recent-events memory, seeded from the data dir at start). */
  events: () => readonly ViewEvent[];
  /** Every replica's events; default: this replica's only. */
  fleet?: FleetEvents;
  /** How the view names this replica (default: the host name, a Pod's name). */
  selfName?: string;
  /** The policy in force, for the detail view's comparison. */
  policy?: () => Policy;
  /** riskgate's PolicyReports (serve --audit-interval): the page shows what they hold now. */
  clusterAudit?: ClusterAuditSource;
  ruleIds: readonly string[];
  /** Set the Secure flag on the sign-in cookie (the server speaks HTTPS). */
  secureCookie: boolean;
  clock?: () => Date;
  /** Seals the sign-in cookie (default: a key of this process only; serve derives one from the replicas' serving key). */
  sessions?: SessionSeal;
  /** Failed sign-ins per client address (default: 10 at once, then one per 6 s). */
  limiter?: FailedSignInLimiter;
  onDenied?: (decision: AccessDecision, path: string) => void;
  /** An address past its failed sign-ins was answered 429 without checking its token. */
  onRateLimited?: (address: string, path: string) => void;
}

interface Authorized {
  user: string;
  token: string;
}

function cookieToken(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** The token of the request: an Authorization header's as sent, or the one sealed in the sign-in cookie (`session`). */
function credential(req: Request, sessions: SessionSeal): { token: string; session: boolean } | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (match) return { token: match[1]!, session: false };
  const sealed = cookieToken(req);
  const token = sealed === undefined ? undefined : sessions.open(sealed);
  return token === undefined ? undefined : { token, session: true };
}

function addressOf(req: Request): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** A token was given and judged not valid or not allowed: that costs the address one of its tries. */
function isFailedSignIn(decision: AccessDecision): boolean {
  return decision.outcome === 'unauthenticated' || decision.outcome === 'forbidden';
}

function wantsHtml(req: Request): boolean {
  return !req.path.startsWith('/api/') && (req.headers.accept ?? '').includes('text/html');
}

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  next();
}

function refuse(req: Request, res: Response, decision: Exclude<AccessDecision, { outcome: 'allowed' }>): void {
  const status = decision.outcome === 'unauthenticated' ? 401 : decision.outcome === 'forbidden' ? 403 : 503;
  const message =
    decision.outcome === 'forbidden'
      ? `${decision.user} may not read risk events (${decision.reason})`
      : decision.outcome === 'unavailable'
        ? 'the token cannot be checked right now (Kubernetes API unreachable); try again'
        : `sign in with a bearer token (${decision.reason})`;
  if (status === 401) res.set('www-authenticate', 'Bearer realm="riskgate-auditor"');
  if (wantsHtml(req)) res.status(status).type('html').send(renderSignIn(message));
  else res.status(status).json({ error: { code: decision.outcome, message } });
}

function tooManyTries(req: Request, res: Response, seconds: number): void {
  const message = `too many failed sign-ins from this address: try again in ${seconds} s`;
  res.set('retry-after', String(seconds));
  if (wantsHtml(req)) res.status(429).type('html').send(renderSignIn(message));
  else res.status(429).json({ error: { code: 'rate-limited', message } });
}

/** The query as typed (strings only, empty values dropped), over the route's defaults. */
function pageInput(req: Request, defaults: PageInput = {}): PageInput {
  const q = req.query as Record<string, unknown>;
  const input: PageInput = { ...defaults };
  for (const key of INPUT_KEYS) {
    const value = q[key];
    if (typeof value === 'string' && value.trim() !== '') input[key] = value.trim();
  }
  return input;
}

/** A custom `from` replaces the recent-time choice. */
function filterOf(input: PageInput, now: Date): EventFilter {
  const { from, ...rest } = input;
  return parseFilter({ ...rest, ...(from ? { since: from } : {}) } satisfies FilterInput, now);
}

function queryOf(input: PageInput, drop: readonly string[]): URLSearchParams {
  const query = new URLSearchParams();
  for (const key of INPUT_KEYS) if (input[key] !== undefined && !drop.includes(key)) query.set(key, input[key]!);
  return query;
}

function scopeOf(req: Request): Scope {
  return req.query['scope'] === 'local' ? 'local' : 'fleet';
}

export function createAuditorApp(deps: AuditorDeps): Express {
  const clock = deps.clock ?? (() => new Date());
  const selfName = deps.selfName ?? hostname();
  const fleet = deps.fleet ?? new FleetEvents({ selfName, local: deps.events, trusts: () => false });
  const sessions = deps.sessions ?? new SessionSeal();
  const limiter = deps.limiter ?? new FailedSignInLimiter();
  /** 429 for an address past its failed sign-ins, before its token costs a TokenReview. */
  const limited = (req: Request, res: Response): boolean => {
    const seconds = limiter.retryAfter(addressOf(req));
    if (seconds === 0) return false;
    deps.onRateLimited?.(addressOf(req), req.path);
    tooManyTries(req, res, seconds);
    return true;
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(securityHeaders);
  app.get('/auditor.css', (_req, res) => void res.type('css').send(AUDITOR_CSS));

  app.post('/login', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const token = typeof req.body?.token === 'string' ? req.body.token.trim() : '';
    if (token && limited(req, res)) return;
    const decision = token ? await deps.authenticator.check(token) : ({ outcome: 'unauthenticated', reason: 'no token given' } as const);
    if (decision.outcome !== 'allowed') {
      if (token && isFailedSignIn(decision)) limiter.fail(addressOf(req));
      deps.onDenied?.(decision, req.path);
      return refuse(req, res, decision);
    }
    const flags = ['HttpOnly', 'SameSite=Strict', 'Path=/', `Max-Age=${SESSION_TTL_MS / 1000}`, ...(deps.secureCookie ? ['Secure'] : [])];
    res.set('set-cookie', `${TOKEN_COOKIE}=${sessions.seal(token)}; ${flags.join('; ')}`);
    res.redirect(303, './');
  });
  app.post('/logout', (_req, res) => {
    res.set('set-cookie', `${TOKEN_COOKIE}=; Max-Age=0; HttpOnly; SameSite=Strict; Path=/`);
    res.redirect(303, './');
  });

  app.use(async (req: Request, res: Response, next: NextFunction) => {
    const given = credential(req, sessions);
    // A sealed session proves an earlier sign-in: only raw tokens are held back from an address past its tries.
    if (given && !given.session && limited(req, res)) return;
    const decision = given ? await deps.authenticator.check(given.token) : ({ outcome: 'unauthenticated', reason: cookieToken(req) ? 'the sign-in has expired' : 'no token' } as const);
    if (decision.outcome !== 'allowed') {
      if (given && !given.session && isFailedSignIn(decision)) limiter.fail(addressOf(req));
      deps.onDenied?.(decision, req.path);
      return refuse(req, res, decision);
    }
    res.locals['auth'] = { user: decision.user, token: given!.token } satisfies Authorized;
    next();
  });

  const auth = (res: Response) => res.locals['auth'] as Authorized;
  /** Every matching event of the fleet (or of this replica): paging happens after the merge. */
  const collect = (res: Response, filter: EventFilter, scope: Scope = 'fleet'): Promise<FleetView> => fleet.collect({ ...filter, offset: 0 }, auth(res).token, scope);
  const auditOf = async (filter: EventFilter): Promise<AuditSection | undefined> => {
    if (!deps.clusterAudit) return undefined;
    const read = await deps.clusterAudit.read();
    return 'error' in read ? read : { findings: auditFindings(read.reports, { ...(filter.rule ? { rule: filter.rule } : {}), ...(filter.namespace ? { namespace: filter.namespace } : {}) }) };
  };
  const wrap = (handler: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => void handler(req, res).catch(next);

  app.get('/', wrap(async (req, res) => {
    const input = pageInput(req, { since: DEFAULT_SINCE, limit: DEFAULT_PAGE_SIZE });
    if (input.from) delete input.since;
    const filter = filterOf(input, clock());
    const [view, audit] = await Promise.all([collect(res, filter), auditOf(filter)]);
    const events = view.events.slice(filter.offset, filter.offset + filter.limit);
    // With an action chosen the table itself is the list of those events: a denials table would repeat its rows.
    const denials = filter.action ? undefined : view.events.filter((e) => e.action === 'deny').slice(0, RECENT_DENIALS);
    const counts = countsFor(view.events, filter, clock());
    const query = queryOf(input, ['offset', 'id']);
    const model = { user: auth(res).user, input, query, ruleIds: deps.ruleIds, view, events, offset: filter.offset, limit: filter.limit, denials, counts };
    res.type('html').send(renderPage({ ...model, users: totalsBy(view.events, 'user'), namespaces: totalsBy(view.events, 'namespace'), ...(audit ? { audit } : {}) }));
  }));

  app.get('/event', wrap(async (req, res) => {
    const id = typeof req.query['id'] === 'string' ? req.query['id'] : '';
    if (!/^[0-9a-zA-Z._-]{1,128}$/.test(id)) throw new RiskgateError('bad-filter', 'id must be an event_id (letters, digits, . _ -)');
    const view = await collect(res, parseFilter({ id }, clock()));
    const event = view.events[0];
    if (!event) {
      const missing = view.complete ? '' : ' (some replicas did not answer: it may be on one of them)';
      return void res.status(404).type('html').send(renderMessage(auth(res).user, `No risk event ${id}${missing}.`));
    }
    const back = queryOf(pageInput(req), ['id']);
    const policyNow = deps.policy ? judgingPolicy(deps.policy(), event.rule_id) : undefined;
    res.type('html').send(renderDetail({ user: auth(res).user, event, back, selfName, ...(policyNow ? { policyNow } : {}) }));
  }));

  const exported = async (req: Request, res: Response) => {
    const input = pageInput(req);
    const filter = filterOf(input, clock());
    return { view: await collect(res, filter), query: queryOf(input, ['offset', 'limit']) };
  };
  const fileName = (ext: string) => `riskgate-events-${clock().toISOString().replace(/[:.]/g, '-')}.${ext}`;
  app.get('/export.csv', wrap(async (req, res) => {
    const { view } = await exported(req, res);
    res.set('content-disposition', `attachment; filename="${fileName('csv')}"`).type('text/csv; charset=utf-8').send(eventsCsv(view.events));
  }));
  app.get('/export.json', wrap(async (req, res) => {
    const { view, query } = await exported(req, res);
    res.set('content-disposition', `attachment; filename="${fileName('json')}"`).type('json').send(eventsJson(view, query, clock()));
  }));

  app.get('/api/events', wrap(async (req, res) => {
    const filter = filterOf(pageInput(req), clock());
    const view = await collect(res, filter, scopeOf(req));
    const events = view.events.slice(filter.offset, filter.offset + filter.limit);
    const { replicas, complete, discovery_error } = view;
    await sendJson(req, res, { events, total: view.events.length, offset: filter.offset, limit: filter.limit, complete, replicas, ...(discovery_error ? { discovery_error } : {}) });
  }));

  app.get('/api/counts', wrap(async (req, res) => {
    const filter = filterOf(pageInput(req, { since: DEFAULT_SINCE }), clock());
    const view = await collect(res, filter);
    await sendJson(req, res, { ...countsFor(view.events, filter, clock()), complete: view.complete, replicas: view.replicas });
  }));

  app.get('/api/audit', wrap(async (req, res) => {
    const audit = await auditOf(filterOf(pageInput(req), clock()));
    if (!audit) return void res.status(404).json({ error: { code: 'no-cluster-audit', message: 'this riskgate runs no cluster audit (serve --audit-interval)' } });
    await sendJson(req, res, 'error' in audit ? { error: { code: 'cluster-audit-unreadable', message: audit.error } } : audit.findings, 'error' in audit ? 503 : 200);
  }));

  app.use((req: Request, res: Response) => void res.status(404).json({ error: { code: 'not-found', message: `no route for ${req.method} ${req.path}` } }));
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = error instanceof RiskgateError ? 400 : 500;
    const message = error instanceof RiskgateError ? error.message : 'internal error';
    const signedIn = res.locals['auth'] as Authorized | undefined;
    if (wantsHtml(req)) res.status(status).type('html').send(signedIn ? renderMessage(signedIn.user, message) : renderSignIn(message));
    else res.status(status).json({ error: { code: error instanceof RiskgateError ? error.code : 'internal', message } });
  });
  return app;
}

/** Without a start, the chart spans from the oldest matching event (at least the last hour). */
function countsFor(matching: readonly ViewEvent[], filter: EventFilter, now: Date) {
  let oldest = now.getTime() - 3_600_000;
  for (const e of matching) oldest = Math.min(oldest, Date.parse(e.time));
  return ruleCounts(matching, filter.since ?? new Date(oldest), filter.until ?? now);
}
