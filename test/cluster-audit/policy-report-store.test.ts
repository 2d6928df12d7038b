// The report store against an in-memory API double: the interleavings a real API server gives only by chance (a report changed between read and write).
import type { KubeCaller, KubeResponse } from '../../src/cluster-audit/kube-api.js';
import { judgeLiveObject } from '../../src/cluster-audit/audit-report.js';
import { buildPolicyReports, type PolicyReport } from '../../src/cluster-audit/policy-report.js';
import { PolicyReportStore } from '../../src/cluster-audit/policy-report-store.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import type { LiveResource } from '../../src/request/from-live-object.js';
import { RULES, requestRules } from '../../src/rules/catalog.js';

const SERVICES: LiveResource = { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true };
const POLICY = parsePolicy('rules:\n  kubernetes-node-port-creation: {action: deny}\n', 'policy.yaml', RULES);
const BASE = '/apis/wgpolicyk8s.io/v1alpha2';

interface Stored {
  body: Record<string, unknown>;
  resourceVersion: number;
}

/** PolicyReports by path, with resourceVersions; `meddle` changes a report once, right before riskgate's next PUT of it. */
class ReportApiDouble implements KubeCaller {
  readonly server = 'https://api.test';
  readonly stored = new Map<string, Stored>();
  readonly calls: string[] = [];
  private version = 100;
  meddleOnce: string | undefined;
  crdsInstalled = true;

  private answer(status: number, body?: unknown): KubeResponse {
    return { status, body, text: body === undefined ? '' : JSON.stringify(body) };
  }

  private withVersion(path: string): Record<string, unknown> {
    const entry = this.stored.get(path)!;
    const metadata = { ...(entry.body['metadata'] as Record<string, unknown>), resourceVersion: String(entry.resourceVersion) };
    return { ...entry.body, metadata };
  }

  async call(method: string, path: string, body?: unknown): Promise<KubeResponse> {
    const [bare] = path.split('?') as [string];
    this.calls.push(`${method} ${bare}`);
    if (method === 'GET' && (bare === `${BASE}/policyreports` || bare === `${BASE}/clusterpolicyreports`)) {
      if (!this.crdsInstalled) return this.answer(404, { message: 'the server could not find the requested resource' });
      const cluster = bare.endsWith('clusterpolicyreports');
      const items = [...this.stored.keys()].filter((p) => p.includes('/clusterpolicyreports/') === cluster).map((p) => this.withVersion(p));
      return this.answer(200, { items });
    }
    if (method === 'GET') return this.stored.has(bare) ? this.answer(200, this.withVersion(bare)) : this.answer(404, {});
    const object = body as { metadata: { name: string; resourceVersion?: string } };
    if (method === 'POST') {
      const item = `${bare}/${object.metadata.name}`;
      if (this.stored.has(item)) return this.answer(409, { reason: 'AlreadyExists' });
      this.stored.set(item, { body: object, resourceVersion: ++this.version });
      return this.answer(201, this.withVersion(item));
    }
    if (method === 'PUT') {
      if (this.meddleOnce === bare) {
        this.meddleOnce = undefined;
        this.stored.get(bare)!.resourceVersion = ++this.version;
      }
      const entry = this.stored.get(bare);
      if (!entry) return this.answer(404, {});
      if (object.metadata.resourceVersion !== String(entry.resourceVersion)) return this.answer(409, { reason: 'Conflict' });
      this.stored.set(bare, { body: object, resourceVersion: ++this.version });
      return this.answer(200, this.withVersion(bare));
    }
    if (method === 'DELETE') {
      const pre = (body as { preconditions?: { resourceVersion?: string } }).preconditions?.resourceVersion;
      const entry = this.stored.get(bare);
      if (!entry) return this.answer(404, {});
      if (pre !== undefined && pre !== String(entry.resourceVersion)) return this.answer(409, {});
      this.stored.delete(bare);
      return this.answer(200, {});
    }
    return this.answer(405, {});
  }
}

function reportsFor(services: Array<[string, string, string]>, now = new Date('2026-03-02T10:00:00Z'), previous?: Map<string, PolicyReport>): PolicyReport[] {
  const judge = { cluster: 'test', policy: POLICY, rules: requestRules(RULES) };
  const objects = services.map(([namespace, name, type]) => judgeLiveObject({ metadata: { namespace, name, uid: `uid-${name}`, resourceVersion: '1' }, spec: { type } }, SERVICES, judge));
  return buildPolicyReports(objects, { now, maxResults: 100, ...(previous ? { previous } : {}) });
}

const writesOf = (api: ReportApiDouble) => api.calls.filter((c) => !c.startsWith('GET'));

describe('the PolicyReport store', () => {
  test('creates one report per namespace, then leaves unchanged ones alone (no write at all, an hour later: results keep their time)', async () => {
    const api = new ReportApiDouble();
    const store = new PolicyReportStore(api);
    const next = reportsFor([['team-a', 'web', 'NodePort'], ['team-b', 'db', 'ClusterIP']]);
    expect(await store.write(next, await store.current())).toEqual({ created: 2, updated: 0, unchanged: 0, deleted: 0 });
    api.calls.length = 0;
    const current = await store.current();
    const again = reportsFor([['team-a', 'web', 'NodePort'], ['team-b', 'db', 'ClusterIP']], new Date('2026-03-02T11:00:00Z'), current);
    expect(await store.write(again, current)).toEqual({ created: 0, updated: 0, unchanged: 2, deleted: 0 });
    expect(writesOf(api)).toEqual([]);
  });

  test('replaces a changed report in place under its resourceVersion, keeping what others annotated', async () => {
    const api = new ReportApiDouble();
    const store = new PolicyReportStore(api);
    await store.write(reportsFor([['team-a', 'web', 'NodePort']]), await store.current());
    const path = `${BASE}/namespaces/team-a/policyreports/riskgate`;
    const meta = api.stored.get(path)!.body['metadata'] as { annotations: Record<string, string> };
    meta.annotations = { ...meta.annotations, 'example.com/owner': 'sre' };
    api.calls.length = 0;
    expect(await store.write(reportsFor([['team-a', 'web', 'ClusterIP']]), await store.current())).toEqual({ created: 0, updated: 1, unchanged: 0, deleted: 0 });
    expect(writesOf(api)).toEqual([`PUT ${path}`]);
    const stored = api.stored.get(path)!.body as unknown as PolicyReport;
    expect(stored.metadata.annotations['example.com/owner']).toBe('sre');
    expect(stored.summary).toMatchObject({ pass: 2, fail: 0 });
  });

  test('a report changed by someone else between the read and the write: read again, write again (409 Conflict)', async () => {
    const api = new ReportApiDouble();
    const store = new PolicyReportStore(api);
    await store.write(reportsFor([['team-a', 'web', 'NodePort']]), await store.current());
    const path = `${BASE}/namespaces/team-a/policyreports/riskgate`;
    const current = await store.current();
    api.meddleOnce = path;
    api.calls.length = 0;
    expect(await store.write(reportsFor([['team-a', 'web', 'ClusterIP']]), current)).toEqual({ created: 0, updated: 1, unchanged: 0, deleted: 0 });
    expect(api.calls).toEqual([`PUT ${path}`, `GET ${path}`, `PUT ${path}`]);
  });

  test('the report of a namespace with nothing left is deleted under its resourceVersion; a second one never appears', async () => {
    const api = new ReportApiDouble();
    const store = new PolicyReportStore(api);
    await store.write(reportsFor([['team-a', 'web', 'NodePort'], ['team-b', 'db', 'ClusterIP']]), await store.current());
    expect(await store.write(reportsFor([['team-a', 'web', 'NodePort']]), await store.current())).toEqual({ created: 0, updated: 0, unchanged: 1, deleted: 1 });
    expect([...api.stored.keys()]).toEqual([`${BASE}/namespaces/team-a/policyreports/riskgate`]);
    // A create that meets an existing report (another writer made it) replaces it instead.
    const stale = new Map();
    expect(await store.write(reportsFor([['team-a', 'web', 'ClusterIP']]), stale)).toEqual({ created: 0, updated: 1, unchanged: 0, deleted: 0 });
    expect(api.stored.size).toBe(1);
  });

  test('a replica that no longer leads writes nothing; missing CRDs are named', async () => {
    const api = new ReportApiDouble();
    const store = new PolicyReportStore(api, () => false);
    await expect(store.write(reportsFor([['team-a', 'web', 'NodePort']]), await store.current())).rejects.toThrow(
      'create PolicyReport team-a/riskgate: this replica no longer leads; the new leader writes the reports',
    );
    expect(writesOf(api)).toEqual([]);
    api.crdsInstalled = false;
    await expect(new PolicyReportStore(api).current()).rejects.toThrow('list policyreports.wgpolicyk8s.io in all namespaces: the PolicyReport CRDs (wgpolicyk8s.io/v1alpha2) are not installed');
  });
});
