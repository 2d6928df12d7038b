// The auditor view over HTTP on loopback: 401/403/200 with a static token and with TokenReview + SubjectAccessReview, filters, JSON API, escaping, one event's detail.
import { createAuditorApp, TOKEN_COOKIE } from '../../src/auditor/auditor-app.js';
import { startAuditorServer, type AuditorServer } from '../../src/auditor/auditor-server.js';
import type { Authenticator } from '../../src/auditor/authenticator.js';
import { KubernetesAuthenticator, AUDITOR_PERMISSION } from '../../src/auditor/kubernetes-authenticator.js';
import { JudgedEventMemory } from '../../src/auditor/judged-event-memory.js';
import { StaticTokenAuthenticator } from '../../src/auditor/static-token-authenticator.js';
import type { ViewEvent } from '../../src/auditor/view-event.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import type { RiskEvent } from '../../src/outputs/risk-event.js';
import { RULE_IDS, RULES } from '../../src/rules/catalog.js';
import { KubeApiTestServer } from '../sinks/kube-api-test-server.js';
import { auditorEvents, NOW } from './auditor-events.js';

const STATIC_TOKEN = 'local-auditor-token-0123456789';

async function serve(authenticator: Authenticator): Promise<AuditorServer> {
  const events = auditorEvents();
  const app = createAuditorApp({ authenticator, events: () => events, ruleIds: RULE_IDS, secureCookie: false, clock: () => NOW });
  return startAuditorServer(app, '127.0.0.1', 0);
}

function get(server: AuditorServer, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`http://127.0.0.1:${server.address.port}${path}`, { headers, redirect: 'manual' });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('auditor view with a static token', () => {
  let server: AuditorServer;
  beforeAll(async () => (server = await serve(new StaticTokenAuthenticator(STATIC_TOKEN))));
  afterAll(() => server.close());

  test('no token → 401 (JSON for the API, the sign-in page for a browser)', async () => {
    const api = await get(server, '/api/events');
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toContain('Bearer');
    expect(await api.json()).toEqual({ error: { code: 'unauthenticated', message: 'sign in with a bearer token (no token)' } });
    const page = await get(server, '/', { accept: 'text/html' });
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('id="sign-in"');
  });

  test('a wrong token → 401', async () => {
    expect((await get(server, '/api/events', bearer('wrong-token-wrong-token'))).status).toBe(401);
  });

  test('the API filters by rule, action, namespace, user and time', async () => {
    const ids = async (query: string): Promise<RiskEvent[]> => ((await (await get(server, `/api/events?${query}`, bearer(STATIC_TOKEN))).json()) as { events: RiskEvent[] }).events;
    expect(await ids('')).toHaveLength(11);
    expect((await ids('since=7d')).map((e) => e.fields['user'])).not.toContain('old-user');
    expect((await ids('rule=kubernetes-daemonset-deployed')).every((e) => e.rule_id === 'kubernetes-daemonset-deployed')).toBe(true);
    expect(await ids('rule=kubernetes-daemonset-deployed')).toHaveLength(3);
    expect(await ids('action=warn')).toHaveLength(3);
    expect((await ids('namespace=team-b')).map((e) => e.fields['name'])).toEqual(['np-1', 'np-3', 'np-5']);
    expect(await ids('user=alice&since=24h')).toHaveLength(3);
    const newestFirst = (await ids('')).map((e) => Date.parse(e.time));
    expect(newestFirst).toEqual([...newestFirst].sort((a, b) => b - a));
  });

  test('a bad filter is a 400 naming the parameter', async () => {
    const response = await get(server, '/api/events?action=block', bearer(STATIC_TOKEN));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('action "block" must be one of deny, warn, record');
  });

  test('counts per rule over time (the chart data)', async () => {
    const counts = (await (await get(server, '/api/counts?since=24h', bearer(STATIC_TOKEN))).json()) as { buckets: string[]; rules: Array<{ rule: string; total: number; counts: number[] }> };
    expect(counts.buckets).toHaveLength(24);
    expect(counts.rules.map(({ rule, total }) => ({ rule, total }))).toEqual([
      { rule: 'kubernetes-node-port-creation', total: 7 },
      { rule: 'kubernetes-daemonset-deployed', total: 3 },
    ]);
    const nodePort = counts.rules[0]!;
    expect(nodePort.counts.reduce((a, b) => a + b, 0)).toBe(7);
    expect(nodePort.counts.at(-1)).toBe(2); // the two events of the last hour fall in the last bucket
  });

  test('the page escapes object names and shows the chart', async () => {
    const html = await (await get(server, '/', { ...bearer(STATIC_TOKEN), accept: 'text/html' })).text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/); // no CDN, nothing external
  });

  test('signing in with the form sets an HttpOnly cookie that opens the page', async () => {
    const login = await fetch(`http://127.0.0.1:${server.address.port}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${encodeURIComponent(STATIC_TOKEN)}`,
      redirect: 'manual',
    });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^${TOKEN_COOKIE}=v1\\.[\\w-]+; HttpOnly; SameSite=Strict; Path=/; Max-Age=28800$`));
    // The cookie holds the token sealed, never the token itself.
    expect(cookie).not.toContain(STATIC_TOKEN);
    expect(cookie).not.toContain(encodeURIComponent(STATIC_TOKEN));
    const page = await get(server, '/', { cookie: cookie.split(';')[0]!, accept: 'text/html' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  test('a cookie holding the raw token (as before) or an altered seal opens nothing', async () => {
    expect((await get(server, '/api/events', { cookie: `${TOKEN_COOKIE}=${encodeURIComponent(STATIC_TOKEN)}` })).status).toBe(401);
    const answer = await get(server, '/api/events', { cookie: `${TOKEN_COOKIE}=v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA` });
    expect(answer.status).toBe(401);
    expect(await answer.json()).toEqual({ error: { code: 'unauthenticated', message: 'sign in with a bearer token (the sign-in has expired)' } });
  });
});

describe('failed sign-ins per address', () => {
  class CountingAuthenticator implements Authenticator {
    readonly kind = 'counting';
    calls = 0;
    async check(token: string) {
      this.calls++;
      return token === STATIC_TOKEN ? ({ outcome: 'allowed', user: 'jane' } as const) : ({ outcome: 'unauthenticated', reason: 'invalid token' } as const);
    }
  }

  test('after ten wrong tokens an address gets 429 with Retry-After and its tokens are no longer checked; a signed-in session still works', async () => {
    const authenticator = new CountingAuthenticator();
    const limited: string[] = [];
    const app = createAuditorApp({ authenticator, events: () => auditorEvents(), ruleIds: RULE_IDS, secureCookie: false, clock: () => NOW, onRateLimited: (address, path) => limited.push(`${address} ${path}`) });
    const server = await startAuditorServer(app, '127.0.0.1', 0);
    try {
      const login = await fetch(`http://127.0.0.1:${server.address.port}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${STATIC_TOKEN}`, redirect: 'manual' });
      const session = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      for (let i = 0; i < 10; i++) expect((await get(server, '/api/events', bearer(`guess-${i}`))).status).toBe(401);
      expect(authenticator.calls).toBe(11);
      const refused = await get(server, '/api/events', bearer('guess-10'));
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toEqual({ error: { code: 'rate-limited', message: expect.stringMatching(/^too many failed sign-ins from this address: try again in \d+ s$/) } });
      const form = await fetch(`http://127.0.0.1:${server.address.port}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: 'token=guess-11', redirect: 'manual' });
      expect(form.status).toBe(429);
      expect(await form.text()).toContain('too many failed sign-ins');
      expect(authenticator.calls).toBe(11);
      expect(limited).toEqual(['127.0.0.1 /api/events', '127.0.0.1 /login']);
      expect((await get(server, '/api/events', { cookie: session })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('auditor view with TokenReview and SubjectAccessReview', () => {
  let api: KubeApiTestServer;
  let server: AuditorServer;
  beforeAll(async () => {
    api = await new KubeApiTestServer({
      users: {
        'token-of-auditor': { username: 'jane', uid: 'u-1', groups: ['auditors', 'system:authenticated'] },
        'token-of-developer': { username: 'dev', groups: ['developers', 'system:authenticated'] },
      },
      allow: (spec) => (spec.groups ?? []).includes('auditors') && spec.resourceAttributes?.verb === 'list' && spec.resourceAttributes.resource === 'riskevents',
    }).start();
    server = await serve(new KubernetesAuthenticator(api.kubeConfig()));
  });
  afterAll(async () => {
    await server.close();
    await api.close();
  });

  test('a token RBAC allows → 200, and the SubjectAccessReview asks for list riskevents.riskgate.io', async () => {
    const response = await get(server, '/api/events', bearer('token-of-auditor'));
    expect(response.status).toBe(200);
    expect(api.accessReviews[0]).toEqual({ user: 'jane', uid: 'u-1', groups: ['auditors', 'system:authenticated'], resourceAttributes: { ...AUDITOR_PERMISSION } });
  });

  test('an authenticated user without the permission → 403', async () => {
    const response = await get(server, '/api/events', bearer('token-of-developer'));
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('dev may not read risk events');
  });

  test('a token the API server does not know → 401; no token → 401', async () => {
    expect((await get(server, '/api/events', bearer('stolen'))).status).toBe(401);
    expect((await get(server, '/api/events')).status).toBe(401);
  });

  test('decisions are cached: a second request does not repeat the TokenReview', async () => {
    const before = api.tokenReviews;
    await get(server, '/api/events', bearer('token-of-auditor'));
    await get(server, '/api/events', bearer('token-of-auditor'));
    expect(api.tokenReviews).toBe(before);
  });
});

describe('the detail view of one event', () => {
  let server: AuditorServer;
  let policy = parsePolicy('rules:\n  kubernetes-node-port-creation:\n    action: deny\n    exemptions: [{namespaces: [kube-system], reason: platform services}]\n', 'policy-v1.yaml', RULES);
  const memory = new JudgedEventMemory(100, () => policy);
  const [seeded, ...live] = auditorEvents().filter((e) => e.rule_id === 'kubernetes-node-port-creation');
  beforeAll(async () => {
    memory.seed([seeded!]);
    memory.write(live);
    policy = parsePolicy('rules:\n  kubernetes-node-port-creation: {action: warn}\n', 'policy-v2.yaml', RULES);
    const app = createAuditorApp({ authenticator: new StaticTokenAuthenticator(STATIC_TOKEN), events: () => memory.events, policy: () => policy, selfName: 'riskgate-7f9c', ruleIds: RULE_IDS, secureCookie: false, clock: () => NOW });
    server = await startAuditorServer(app, '127.0.0.1', 0);
  });
  afterAll(() => server.close());

  const detail = async (id: string) => (await get(server, `/event?id=${id}`, { ...bearer(STATIC_TOKEN), accept: 'text/html' })).text();

  test('an event judged by this process names the policy file, the rule action and exemptions then, and what changed since', async () => {
    const html = await detail(live[0]!.event_id);
    expect(html).toContain('<dd id="judged-source">policy-v1.yaml</dd>');
    expect(html).toContain('<dd id="judged-action">deny</dd>');
    expect(html).toContain('namespaces: kube-system (reason: platform services)');
    expect(html).toContain('<dd id="now-source">policy-v2.yaml</dd><dt>rule action</dt><dd id="now-action">warn</dd>');
    expect(html).toContain("(the rule's action has changed since)");
    expect(html).toContain(`<dd id="request-uid">${String(live[0]!.fields['uid'])}</dd>`);
    expect(html).toContain('<dd id="event-replica">riskgate-7f9c</dd>');
  });

  test('an event read back from the data directory says the judging policy is not known', async () => {
    expect(await detail(seeded!.event_id)).toContain('Not recorded: riskgate-7f9c read this event back from its data directory');
  });

  test('the API carries the same: replica and policy per event', async () => {
    const body = (await (await get(server, `/api/events?id=${live[0]!.event_id}`, bearer(STATIC_TOKEN))).json()) as { events: ViewEvent[] };
    expect(body.events).toHaveLength(1);
    expect(body.events[0]).toMatchObject({ replica: 'riskgate-7f9c', policy: { source: 'policy-v1.yaml', rule_action: 'deny', rule_exemptions: ['namespaces: kube-system (reason: platform services)'] } });
  });

  test('an unknown id is a 404 page; an id that is not an event id is a 400', async () => {
    const missing = await get(server, '/event?id=0123456789abcdef', { ...bearer(STATIC_TOKEN), accept: 'text/html' });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('No risk event 0123456789abcdef.');
    expect((await get(server, '/event?id=%3Cscript%3E', { ...bearer(STATIC_TOKEN), accept: 'text/html' })).status).toBe(400);
  });
});
