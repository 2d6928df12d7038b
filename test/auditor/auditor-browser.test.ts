// The auditor page in headless Chromium (Debian's chromium driven by playwright-core): 401 and sign-in, events shown, rule filter, screenshot.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createAuditorApp } from '../../src/auditor/auditor-app.js';
import { startAuditorServer, type AuditorServer } from '../../src/auditor/auditor-server.js';
import { StaticTokenAuthenticator } from '../../src/auditor/static-token-authenticator.js';
import { RULE_IDS } from '../../src/rules/catalog.js';
import { createCa, createServingCert } from '../../src/tls/certificates.js';
import { auditorEvents } from './auditor-events.js';

const CHROMIUM = process.env['RISKGATE_CHROMIUM'] ?? '/usr/bin/chromium';
const TOKEN = 'browser-test-token-0123456789';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('auditor page in headless Chromium', () => {
  let browser: Browser;
  let server: AuditorServer;
  let url: string;
  const shots = mkdtempSync(join(tmpdir(), 'riskgate-auditor-shots-'));

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; .ci/run does it) or set RISKGATE_CHROMIUM`);
    }
    const now = new Date();
    const ca = createCa({ commonName: 'auditor-test-ca', now, days: 1 });
    const serving = createServingCert({ ca, commonName: '127.0.0.1', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], now, days: 1 });
    const events = auditorEvents().map((e) => ({ ...e, time: new Date(Date.parse(e.time) - Date.parse('2026-11-20T12:00:00Z') + Date.now()).toISOString() }));
    const app = createAuditorApp({ authenticator: new StaticTokenAuthenticator(TOKEN), events: () => events, ruleIds: RULE_IDS, secureCookie: true });
    server = await startAuditorServer(app, '127.0.0.1', 0, () => serving);
    url = `https://127.0.0.1:${server.address.port}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (process.env['RISKGATE_KEEP_SHOTS'] !== '1') rmSync(shots, { recursive: true, force: true });
  });

  test('without a token the page answers 401 with the sign-in form', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const response = await page.goto(url);
    expect(response?.status()).toBe(401);
    expect(await page.locator('#sign-in input[name=token]').count()).toBe(1);
    await context.close();
  });

  test('with a bearer token the page shows the risk events and the chart; a screenshot is saved', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, extraHTTPHeaders: { authorization: `Bearer ${TOKEN}` }, viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    expect(await page.locator('#events tbody tr').count()).toBe(10); // the 7-day default hides the 10-day-old event
    expect(await page.locator('#denials tbody tr').count()).toBe(7);
    expect(await page.locator('#rule-chart rect[data-rule]').count()).toBeGreaterThan(0);
    expect(await page.locator('#events').innerText()).toContain('<script>alert(1)</script>'); // shown as text, not run
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
});
