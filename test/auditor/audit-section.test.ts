// The page's cluster-audit section: riskgate's PolicyReports (made by the audit's own code from live objects) as violations per rule and namespace, filtered with the page, and a read that fails said so.
import { auditFindings } from '../../src/auditor/audit-findings.js';
import { createAuditorApp } from '../../src/auditor/auditor-app.js';
import { startAuditorServer, type AuditorServer } from '../../src/auditor/auditor-server.js';
import type { ClusterAuditRead } from '../../src/auditor/cluster-audit-reader.js';
import { PolicyReportReader } from '../../src/auditor/cluster-audit-reader.js';
import { StaticTokenAuthenticator } from '../../src/auditor/static-token-authenticator.js';
import { RULE_IDS } from '../../src/rules/catalog.js';
import { auditorEvents, NOW } from './auditor-events.js';
import { REPORTS } from './audit-reports.js';

const TOKEN = 'audit-section-token-0123456789';
describe('violations per rule and namespace', () => {
  test('counts what would be denied, what is flagged and what an exemption covers; passes only in the totals', () => {
    const findings = auditFindings(REPORTS);
    expect(findings.rows).toEqual([
      { rule: 'kubernetes-node-port-creation', namespace: 'team-a', fail: 2, warn: 0, skip: 0 },
      { rule: 'kubernetes-node-port-creation', namespace: 'team-b', fail: 1, warn: 0, skip: 0 },
      { rule: 'kubernetes-daemonset-deployed', namespace: 'team-a', fail: 0, warn: 1, skip: 0 },
    ]);
    expect(findings.totals).toMatchObject({ fail: 3, warn: 1, skip: 1 });
    expect(findings.totals.pass).toBeGreaterThan(0);
    expect(findings.auditedAt).toBe('2026-11-20T11:00:00.000Z');
    expect(findings.reports).toBe(3);
  });

  test('the page filter narrows it: namespace and rule patterns', () => {
    expect(auditFindings(REPORTS, { namespace: 'team-b' }).rows.map((r) => `${r.rule} ${r.namespace}`)).toEqual(['kubernetes-node-port-creation team-b']);
    expect(auditFindings(REPORTS, { rule: 'kubernetes-daemonset-*' }).rows.map((r) => `${r.rule} ${r.namespace}`)).toEqual(['kubernetes-daemonset-deployed team-a']);
  });
});

describe('on the page and the API', () => {
  let read: ClusterAuditRead = { reports: REPORTS, readAt: NOW };
  let server: AuditorServer;
  const reads: number[] = [];
  beforeAll(async () => {
    const events = auditorEvents();
    const source = { read: async () => (reads.push(1), read) };
    const app = createAuditorApp({ authenticator: new StaticTokenAuthenticator(TOKEN), events: () => events, clusterAudit: source, ruleIds: RULE_IDS, secureCookie: false, clock: () => NOW });
    server = await startAuditorServer(app, '127.0.0.1', 0);
  });
  afterAll(() => server.close());

  const get = (path: string, accept = 'text/html') => fetch(`http://127.0.0.1:${server.address.port}${path}`, { headers: { authorization: `Bearer ${TOKEN}`, accept } });

  test('the page shows the violations now next to the admission history, each namespace linking to its events', async () => {
    const html = await (await get('/')).text();
    expect(html).toContain('<h2>Cluster audit: violations now</h2>');
    expect(html).toContain('3 would be denied, 1 flagged, 1 exempt');
    expect(html).toMatch(/<tr data-rule="kubernetes-node-port-creation" data-namespace="team-a"><td>kubernetes-node-port-creation<\/td><td><a href="\.\/\?[^"]*rule=kubernetes-node-port-creation&amp;namespace=team-a[^"]*">team-a<\/a><\/td><td class="num">2<\/td>/);
    expect(html.indexOf('id="cluster-audit"')).toBeLessThan(html.indexOf('id="events"'));
  });

  test('/api/audit answers the same rows as JSON, filtered like the events', async () => {
    const body = (await (await get('/api/audit?namespace=team-b', 'application/json')).json()) as { rows: unknown[] };
    expect(body.rows).toEqual([{ rule: 'kubernetes-node-port-creation', namespace: 'team-b', fail: 1, warn: 0, skip: 0 }]);
  });

  test('reports that cannot be read are said so, on the page and as a 503', async () => {
    read = { error: 'list policyreports.wgpolicyk8s.io in all namespaces: the PolicyReport CRDs (wgpolicyk8s.io/v1alpha2) are not installed' };
    expect(await (await get('/')).text()).toContain(`<p class="replica-missing" id="audit-error">The cluster audit's PolicyReports could not be read: list policyreports.wgpolicyk8s.io in all namespaces: the PolicyReport CRDs`);
    expect((await get('/api/audit', 'application/json')).status).toBe(503);
  });
});

test('a serve without the cluster audit has no section and /api/audit is a 404', async () => {
  const events = auditorEvents();
  const app = createAuditorApp({ authenticator: new StaticTokenAuthenticator(TOKEN), events: () => events, ruleIds: RULE_IDS, secureCookie: false, clock: () => NOW });
  const server = await startAuditorServer(app, '127.0.0.1', 0);
  try {
    const get = (path: string) => fetch(`http://127.0.0.1:${server.address.port}${path}`, { headers: { authorization: `Bearer ${TOKEN}`, accept: 'text/html' } });
    expect(await (await get('/')).text()).not.toContain('cluster-audit');
    expect((await get('/api/audit')).status).toBe(404);
  } finally {
    await server.close();
  }
});

test('the reader lists at most every 30 s, a failure included', async () => {
  let now = 0;
  let lists = 0;
  const reader = new PolicyReportReader(async () => {
    lists++;
    if (lists === 2) throw new Error('HTTP 403');
    return REPORTS;
  }, () => now);
  expect('reports' in (await reader.read())).toBe(true);
  now = 29_000;
  await reader.read();
  expect(lists).toBe(1);
  now = 31_000;
  expect(await reader.read()).toEqual({ error: 'HTTP 403' });
  now = 40_000;
  await reader.read();
  expect(lists).toBe(2);
});
