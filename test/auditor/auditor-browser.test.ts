// The auditor page in headless Chromium (Debian's chromium driven by playwright-core): sign-in, filters, pages, patterns, exports, detail view, totals, a chart that fits narrow and wide windows.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { createAuditorApp } from '../../src/auditor/auditor-app.js';
import { startAuditorServer, type AuditorServer } from '../../src/auditor/auditor-server.js';
import { StaticTokenAuthenticator } from '../../src/auditor/static-token-authenticator.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import type { RiskEvent } from '../../src/outputs/risk-event.js';
import { RULE_IDS, RULES } from '../../src/rules/catalog.js';
import { createCa, createServingCert, type PemPair } from '../../src/tls/certificates.js';
import { REPORTS } from './audit-reports.js';
import { auditorEvents, crowdEvents, NOW } from './auditor-events.js';

const CHROMIUM = process.env['RISKGATE_CHROMIUM'] ?? '/usr/bin/chromium';
const TOKEN = 'browser-test-token-0123456789';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const POLICY = parsePolicy('rules:\n  kubernetes-node-port-creation:\n    action: deny\n    exemptions: {namespaces: [kube-system]}\n', '/etc/riskgate/policy/policy.yaml', RULES);

/** The fixture's times moved so that NOW is now (the page's time filters count back from the clock). */
function recent(events: RiskEvent[]): RiskEvent[] {
  const shift = Date.now() - NOW.getTime();
  return events.map((e) => ({ ...e, time: new Date(Date.parse(e.time) + shift).toISOString() }));
}

async function serve(events: RiskEvent[], serving: PemPair, withAudit = false): Promise<AuditorServer> {
  const clusterAudit = { read: async () => ({ reports: REPORTS, readAt: new Date() }) };
  const app = createAuditorApp({ authenticator: new StaticTokenAuthenticator(TOKEN), events: () => events, ruleIds: RULE_IDS, secureCookie: true, policy: () => POLICY, selfName: 'riskgate-0', ...(withAudit ? { clusterAudit } : {}) });
  return startAuditorServer(app, '127.0.0.1', 0, () => serving);
}

describe('auditor page in headless Chromium', () => {
  let browser: Browser;
  let small: AuditorServer;
  let busy: AuditorServer;
  let url: string;
  let busyUrl: string;
  const shots = mkdtempSync(join(tmpdir(), 'riskgate-auditor-shots-'));
  const crowd = recent(crowdEvents(106));

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; .ci/run does it) or set RISKGATE_CHROMIUM`);
    }
    const now = new Date();
    const ca = createCa({ commonName: 'auditor-test-ca', now, days: 1 });
    const serving = createServingCert({ ca, commonName: '127.0.0.1', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], now, days: 1 });
    small = await serve(recent(auditorEvents()), serving);
    busy = await serve(crowd, serving, true);
    url = `https://127.0.0.1:${small.address.port}/`;
    busyUrl = `https://127.0.0.1:${busy.address.port}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await small?.close();
    await busy?.close();
    if (process.env['RISKGATE_KEEP_SHOTS'] !== '1') rmSync(shots, { recursive: true, force: true });
    else process.stdout.write(`screenshots in ${shots}\n`);
  });

  const signedIn = (width: number, extra: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> =>
    browser.newContext({ ignoreHTTPSErrors: true, extraHTTPHeaders: { authorization: `Bearer ${TOKEN}` }, viewport: { width, height: 900 }, ...extra });

  test('without a token the page answers 401 with the sign-in form', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const response = await page.goto(url);
    expect(response?.status()).toBe(401);
    expect(await page.locator('#sign-in input[name=token]').count()).toBe(1);
    await context.close();
  });

  test('with a bearer token the page shows the risk events and the chart; a screenshot is saved', async () => {
    const context = await signedIn(1280);
    const page = await context.newPage();
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    expect(await page.locator('#events tbody tr').count()).toBe(10); // the 7-day default hides the 10-day-old event
    expect(await page.locator('#denials tbody tr').count()).toBe(7);
    expect(await page.locator('#rule-chart rect[data-rule]').count()).toBeGreaterThan(0);
    expect(await page.locator('#events').innerText()).toContain('<script>alert(1)</script>'); // shown as text, not run
    expect(await page.locator('#replicas').innerText()).toContain('this replica');
    const shot = join(shots, 'auditor-page.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    await context.close();
  });

  test('signing in with the form, then filtering by rule, shows only that rule', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(url);
    await page.fill('#sign-in input[name=token]', TOKEN);
    await Promise.all([page.waitForURL(url), page.click('#sign-in button')]);
    expect(await page.locator('#events tbody tr').count()).toBe(10);
    await page.selectOption('#filters select[name=rule]', 'kubernetes-daemonset-deployed');
    await Promise.all([page.waitForURL(/rule=kubernetes-daemonset-deployed/), page.click('#filters button')]);
    const rules = await page.locator('#events tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rule')));
    expect(rules).toEqual(['kubernetes-daemonset-deployed', 'kubernetes-daemonset-deployed', 'kubernetes-daemonset-deployed']);
    const chartRules = await page.locator('#rule-chart rect[data-rule]').evaluateAll((rects) => [...new Set(rects.map((r) => r.getAttribute('data-rule')))]);
    expect(chartRules).toEqual(['kubernetes-daemonset-deployed']);
    expect(await page.locator('#denials-empty').count()).toBe(1); // DaemonSets are warned, not denied
    await page.screenshot({ path: join(shots, 'auditor-filtered.png'), fullPage: true });
    await context.close();
  });

  test('106 events come in pages of 50: older and newer walk through them without repeating a row', async () => {
    const context = await signedIn(1280);
    const page = await context.newPage();
    await page.goto(busyUrl);
    const ids = () => page.locator('#events tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event-id')));
    expect(await page.locator('#page-range').innerText()).toBe('1–50 of 106');
    const seen = await ids();
    await Promise.all([page.waitForURL(/offset=50/), page.click('#older')]);
    expect(await page.locator('#page-range').innerText()).toBe('51–100 of 106');
    seen.push(...(await ids()));
    await Promise.all([page.waitForURL(/offset=100/), page.click('#older')]);
    expect(await page.locator('#page-range').innerText()).toBe('101–106 of 106');
    expect(await page.locator('#older').count()).toBe(0);
    seen.push(...(await ids()));
    expect(new Set(seen).size).toBe(106);
    await Promise.all([page.waitForURL(/offset=50/), page.click('#newer')]);
    expect(await page.locator('#page-range').innerText()).toBe('51–100 of 106');
    const height = Number(await page.evaluate('document.documentElement.scrollHeight'));
    expect(height).toBeLessThan(3_500); // one page, not all 106 rows at once
    await context.close();
  });

  test('user=alice* finds alice@example.com and alice.admin@example.com, not bob; the pattern stays in the form', async () => {
    const context = await signedIn(1280);
    const page = await context.newPage();
    await page.goto(busyUrl);
    await page.fill('#filters input[name=user]', 'alice*');
    await Promise.all([page.waitForURL(/user=alice\*/), page.click('#filters button')]);
    const users = await page.locator('#events tbody td.user').allInnerTexts();
    expect(new Set(users)).toEqual(new Set(['alice@example.com', 'alice.admin@example.com']));
    expect(await page.locator('#event-count').innerText()).toBe(`${crowd.filter((e) => String(e.fields['user']).startsWith('alice')).length} matching`);
    expect(await page.inputValue('#filters input[name=user]')).toBe('alice*');
    await page.fill('#filters input[name=user]', 'alice');
    await Promise.all([page.waitForURL(/user=alice&/), page.click('#filters button')]);
    expect(await page.locator('#events-empty').count()).toBe(1); // without * the value must match exactly
    await context.close();
  });

  test('a custom time range (UTC) narrows the table and the chart to it', async () => {
    const context = await signedIn(1280);
    const page = await context.newPage();
    await page.goto(busyUrl);
    const from = new Date(Date.now() - 30 * 3_600_000);
    const until = new Date(Date.now() - 12 * 3_600_000);
    await page.selectOption('#filters select[name=since]', '');
    await page.fill('#filters input[name=from]', from.toISOString().slice(0, 16));
    await page.fill('#filters input[name=until]', until.toISOString().slice(0, 16));
    await Promise.all([page.waitForURL(/from=/), page.click('#filters button')]);
    const times = await page.locator('#events tbody time').evaluateAll((ts) => ts.map((t) => Date.parse(t.getAttribute('datetime')!)));
    const fromMinute = Date.parse(`${from.toISOString().slice(0, 16)}:00Z`);
    const untilMinute = Date.parse(`${until.toISOString().slice(0, 16)}:00Z`);
    const expected = crowd.filter((e) => Date.parse(e.time) >= fromMinute && Date.parse(e.time) <= untilMinute);
    expect(times).toHaveLength(expected.length);
    expect(times.every((t) => t >= fromMinute && t <= untilMinute)).toBe(true);
    expect(await page.inputValue('#filters input[name=from]')).toBe(from.toISOString().slice(0, 16));
    await context.close();
  });

  test('CSV and JSON export hold every event of the filtered view, not just the page', async () => {
    const context = await signedIn(1280);
    const page = await context.newPage();
    await page.goto(`${busyUrl}?namespace=team-a`);
    const expected = crowd.filter((e) => e.fields['namespace'] === 'team-a').map((e) => e.event_id).sort();
    expect(await page.locator('#events tbody tr').count()).toBe(Math.min(50, expected.length));
    // Chromium refuses downloads from a page whose certificate it does not trust: the links are fetched as the browser would.
    const download = async (selector: string) => {
      const response = await context.request.get(new URL((await page.getAttribute(selector, 'href'))!, page.url()).toString());
      expect(response.headers()['content-disposition']).toMatch(/^attachment; filename="riskgate-events-.*"$/);
      return response.text();
    };
    const lines = (await download('#export-csv')).trimEnd().split('\r\n');
    expect(lines[0]!.split(',').slice(0, 3)).toEqual(['time', 'action', 'rule_id']);
    const idColumn = lines[0]!.split(',').indexOf('event_id');
    expect(lines.slice(1).map((l) => l.split(',')[idColumn]).sort()).toEqual(expected);
    const exported = JSON.parse(await download('#export-json')) as { filter: Record<string, string>; complete: boolean; events: RiskEvent[] };
    expect(exported.events.map((e) => e.event_id).sort()).toEqual(expected);
    expect(exported.filter).toMatchObject({ namespace: 'team-a', since: '7d' });
    expect(exported.complete).toBe(true);
    await context.close();
  });

  test('a row opens the detail view: every field, the request uid, the policy that judged it, and the way back', async () => {
    const context = await signedIn(1280);
    const page = await context.newPage();
    await page.goto(`${busyUrl}?rule=kubernetes-node-port-creation&offset=50`);
    const row = page.locator('#events tbody tr').first();
    const id = await row.getAttribute('data-event-id');
    const event = crowd.find((e) => e.event_id === id)!;
    await Promise.all([page.waitForURL(/\/event\?/), row.locator('a').click()]);
    expect(await page.locator('#event-id').innerText()).toBe(id);
    expect(await page.locator('#request-uid').innerText()).toBe(event.fields['uid']);
    expect(await page.locator('#event-replica').innerText()).toBe('riskgate-0');
    for (const [key, value] of Object.entries(event.fields)) expect(await page.locator(`#field-${key}`).innerText()).toBe(Array.isArray(value) ? value.join(', ') : value);
    // Read back from a data dir: who judged it is not known; the policy in force now is shown.
    expect(await page.locator('#judged-by').innerText()).toContain('Not recorded');
    expect(await page.locator('#now-source').innerText()).toBe('/etc/riskgate/policy/policy.yaml');
    expect(await page.locator('#now-action').innerText()).toBe('deny');
    expect(await page.locator('#policy-now').innerText()).toContain('namespaces: kube-system');
    await page.screenshot({ path: join(shots, 'auditor-detail.png'), fullPage: true });
    await Promise.all([page.waitForURL(/offset=50/), page.click('#back')]);
    expect(await page.locator('#page-range').innerText()).toMatch(/^51–/);
    await context.close();
  });

  test('totals per user and per namespace add up to the matching events and link to the filter', async () => {
    const context = await signedIn(1280);
    const page = await context.newPage();
    await page.goto(busyUrl);
    const total = (id: string) => page.locator(`#${id} tbody tr td:last-child`).allInnerTexts().then((t) => t.reduce((n, v) => n + Number(v), 0));
    expect(await total('per-user')).toBe(106);
    expect(await total('per-namespace')).toBe(106);
    expect(await page.locator('#per-namespace tbody tr').count()).toBe(3);
    await Promise.all([page.waitForURL(/user=bob/), page.locator('#per-user a', { hasText: /^bob$/ }).click()]);
    expect(new Set(await page.locator('#events tbody td.user').allInnerTexts())).toEqual(new Set(['bob']));
    await context.close();
  });

  test('with the deny filter the denials are listed once (no second table repeating them)', async () => {
    const context = await signedIn(1280);
    const page = await context.newPage();
    await page.goto(`${url}?action=deny`);
    expect(await page.locator('#events tbody tr').count()).toBe(7);
    expect(await page.locator('#denials').count()).toBe(0);
    expect(await page.locator('table tbody tr.event').count()).toBe(7);
    await context.close();
  });

  test.each([
    ['narrow', 375],
    ['wide', 1600],
  ])('the chart fits a %s window (%i px): no sideways scrolling, bars drawn across the width', async (name, width) => {
    const context = await signedIn(width);
    const page = await context.newPage();
    await page.goto(busyUrl);
    const box = await page.locator('#rule-chart').boundingBox();
    const main = await page.locator('main').boundingBox();
    expect(box!.width).toBeGreaterThan(main!.width * 0.75);
    expect(box!.x + box!.width).toBeLessThanOrEqual(width);
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
    expect(overflow).toBe(0);
    expect(await page.locator('#audit tbody tr').count()).toBe(3); // the cluster audit's violations, next to the history
    expect((await page.locator('#cluster-audit').boundingBox())!.width).toBeLessThanOrEqual(width);
    const bars = await page.locator('#rule-chart rect[data-rule]').evaluateAll((rects) => rects.map((r) => r.getBoundingClientRect().right));
    expect(Math.max(...bars)).toBeGreaterThan(box!.x + box!.width * 0.9);
    await page.screenshot({ path: join(shots, `auditor-${name}.png`), fullPage: true });
    await page.screenshot({ path: join(shots, `auditor-${name}-top.png`) });
    await context.close();
  });
});
