// The auditor view's express app (read-only): sign-in, the HTML page, and the JSON API, every route behind the bearer-token check.
import express from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import type { RiskEvent } from '../outputs/risk-event.js';
import { RiskgateError } from '../riskgate-error.js';
import type { AccessDecision, Authenticator } from './authenticator.js';
import { applyFilter, matchesFilter, parseFilter, type EventFilter, type FilterInput } from './event-filter.js';
import { AUDITOR_CSS, DEFAULT_SINCE, renderPage, renderSignIn } from './auditor-page.js';
import { ruleCounts } from './rule-counts.js';

export const TOKEN_COOKIE = 'riskgate_auditor_token';
const RECENT_DENIALS = 20;

export interface AuditorDeps {
  authenticator: Authenticator;
  /** The events the view shows (the recent-events memory, seeded from the data dir at start). */
  events: () => readonly RiskEvent[];
  ruleIds: readonly string[];
  /** Set the Secure flag on the sign-in cookie (the server speaks HTTPS). */
  secureCookie: boolean;
  clock?: () => Date;
  onDenied?: (decision: AccessDecision, path: string) => void;
}

interface Authorized {
  user: string;
}

function cookieToken(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

function bearerToken(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1] ?? cookieToken(req);
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

function filterInput(req: Request): FilterInput {
  const q = req.query as Record<string, unknown>;
  const text = (key: string): string | undefined => (typeof q[key] === 'string' ? q[key] : undefined);
  return { since: text('since'), until: text('until'), rule: text('rule'), action: text('action'), namespace: text('namespace'), user: text('user'), limit: text('limit') };
}

export function createAuditorApp(deps: AuditorDeps): Express {
  const clock = deps.clock ?? (() => new Date());
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(securityHeaders);
  app.get('/auditor.css', (_req, res) => void res.type('css').send(AUDITOR_CSS));

  app.post('/login', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const token = typeof req.body?.token === 'string' ? req.body.token.trim() : '';
    const decision = token ? await deps.authenticator.check(token) : ({ outcome: 'unauthenticated', reason: 'no token given' } as const);
    if (decision.outcome !== 'allowed') {
      deps.onDenied?.(decision, req.path);
      return refuse(req, res, decision);
    }
    const flags = ['HttpOnly', 'SameSite=Strict', 'Path=/', ...(deps.secureCookie ? ['Secure'] : [])];
    res.set('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; ${flags.join('; ')}`);
    res.redirect(303, './');
  });
  app.post('/logout', (_req, res) => {
    res.set('set-cookie', `${TOKEN_COOKIE}=; Max-Age=0; HttpOnly; SameSite=Strict; Path=/`);
    res.redirect(303, './');
  });

  app.use(async (req: Request, res: Response, next: NextFunction) => {
    const token = bearerToken(req);
    const decision = token ? await deps.authenticator.check(token) : ({ outcome: 'unauthenticated', reason: 'no token' } as const);
    if (decision.outcome !== 'allowed') {
      deps.onDenied?.(decision, req.path);
      return refuse(req, res, decision);
    }
    res.locals['auth'] = { user: decision.user } satisfies Authorized;
    next();
  });

  const filtered = (req: Request, defaults: FilterInput = {}) => {
    const input = { ...defaults, ...Object.fromEntries(Object.entries(filterInput(req)).filter(([, v]) => v !== undefined)) } as FilterInput;
    return { input, filter: parseFilter(input, clock()) };
  };

  app.get('/', (req, res) => {
    const { input, filter } = filtered(req, { since: DEFAULT_SINCE });
    const all = deps.events();
    const { events, total } = applyFilter(all, filter);
    const denialFilter: EventFilter = { ...filter, action: 'deny', limit: RECENT_DENIALS };
    const denials = !filter.action || filter.action === 'deny' ? applyFilter(all, denialFilter).events : [];
    const counts = countsFor(all, filter, clock());
    res.type('html').send(renderPage({ user: (res.locals['auth'] as Authorized).user, input, ruleIds: deps.ruleIds, events, total, denials, counts }));
  });

  app.get('/api/events', (req, res) => {
    const { filter } = filtered(req);
    res.json(applyFilter(deps.events(), filter));
  });

  app.get('/api/counts', (req, res) => {
    const { filter } = filtered(req, { since: DEFAULT_SINCE });
    res.json(countsFor(deps.events(), filter, clock()));
  });

  app.use((req: Request, res: Response) => void res.status(404).json({ error: { code: 'not-found', message: `no route for ${req.method} ${req.path}` } }));
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = error instanceof RiskgateError ? 400 : 500;
    const message = error instanceof RiskgateError ? error.message : 'internal error';
    if (wantsHtml(req)) res.status(status).type('html').send(renderSignIn(message));
    else res.status(status).json({ error: { code: error instanceof RiskgateError ? error.code : 'internal', message } });
  });
  return app;
}

function countsFor(all: readonly RiskEvent[], filter: EventFilter, now: Date) {
  const matching = all.filter((e) => matchesFilter(e, filter));
  const from = filter.since ?? new Date(Math.min(now.getTime() - 3_600_000, ...matching.map((e) => Date.parse(e.time))));
  return ruleCounts(matching, from, filter.until ?? now);
}
