// PolicyReports from an audit: the result of each object and rule per the policy's action, severities, the bound, kept timestamps, and the CRD schema.
import { Ajv } from 'ajv';
import type { CheckedObject } from '../../src/check/check-report.js';
import { judgeLiveObject } from '../../src/cluster-audit/audit-report.js';
import { buildPolicyReports, reportChanged, type PolicyReport } from '../../src/cluster-audit/policy-report.js';
import { severityOf } from '../../src/cluster-audit/policy-report-result.js';
import { POLICY_REPORT_CRDS } from '../../src/cluster/policy-report-crds.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { defaultPolicy } from '../../src/engine/policy.js';
import type { LiveResource } from '../../src/request/from-live-object.js';
import type { JsonObject } from '../../src/request/json-value.js';
import { RULES, requestRules } from '../../src/rules/catalog.js';
import type { RequestRule } from '../../src/rules/rule.js';

const SERVICES: LiveResource = { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true };
const DAEMONSETS: LiveResource = { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true };
const NOW = new Date('2026-03-02T10:00:00.500Z');
const LATER = new Date('2026-03-02T11:00:00Z');

const POLICY = parsePolicy(
  `rules:
  kubernetes-node-port-creation: {action: deny}
  kubernetes-load-balancer-node-ports: {action: "off"}
  kubernetes-daemonset-deployed:
    action: warn
    exemptions: {labels: {riskgate.io/approved: platform}}
`,
  'policy.yaml',
  RULES,
);

function service(namespace: string, name: string, type: string): JsonObject {
  return { metadata: { namespace, name, uid: `uid-${namespace}-${name}`, resourceVersion: '10' }, spec: { type, ports: [{ port: 80 }] } };
}

function daemonSet(namespace: string, name: string, labels: Record<string, string> = {}): JsonObject {
  return { metadata: { namespace, name, uid: `uid-${namespace}-${name}`, resourceVersion: '11', labels }, spec: { template: { spec: { containers: [{ name: 'a', image: 'busybox' }] } } } };
}

function judgeAll(items: Array<[JsonObject, LiveResource]>, policy = POLICY, rules: readonly RequestRule[] = requestRules(RULES)): CheckedObject[] {
  return items.map(([item, resource]) => judgeLiveObject(item, resource, { cluster: 'test', policy, rules }));
}

const rows = (report: PolicyReport) => report.results.map((r) => `${r.resources[0]!.name} ${r.rule} ${r.result}${r.properties['exemption'] ? ` (${r.properties['exemption']})` : ''}`);

describe('results per object and rule', () => {
  const objects = judgeAll([
    [service('team-a', 'web', 'NodePort'), SERVICES],
    [service('team-a', 'db', 'ClusterIP'), SERVICES],
    [daemonSet('team-a', 'agent'), DAEMONSETS],
    [daemonSet('team-a', 'shipper', { 'riskgate.io/approved': 'platform' }), DAEMONSETS],
  ]);
  const [report] = buildPolicyReports(objects, { now: NOW, maxResults: 100 });

  test('deny → fail, warn → warn, exempted → skip with the exemption, off → skip, no finding → pass; the most pressing first', () => {
    expect(rows(report!)).toEqual([
      'web kubernetes-node-port-creation fail',
      'agent kubernetes-daemonset-deployed warn',
      'shipper kubernetes-daemonset-deployed skip (rule labels=riskgate.io/approved:platform)',
      'db kubernetes-load-balancer-node-ports skip',
      'web kubernetes-load-balancer-node-ports skip',
      'db kubernetes-node-port-creation pass',
    ]);
    expect(report!.summary).toEqual({ pass: 1, fail: 1, warn: 1, error: 0, skip: 3 });
  });

  test('record is a warn too: a finding, allowed, not scored', () => {
    const [recorded] = buildPolicyReports(judgeAll([[service('team-a', 'web', 'NodePort'), SERVICES]], defaultPolicy(RULES)), { now: NOW, maxResults: 100 });
    expect(recorded!.results.find((r) => r.rule === 'kubernetes-node-port-creation')).toMatchObject({ result: 'warn', scored: false, properties: { action: 'record' } });
  });

  test('one result names its object, rule, severity, the ESCU detection and the risk score; only deny rules are scored', () => {
    expect(report!.results[0]).toEqual({
      source: 'riskgate',
      policy: 'riskgate',
      rule: 'kubernetes-node-port-creation',
      category: 'Kubernetes Security',
      severity: 'low',
      timestamp: { seconds: Math.floor(NOW.getTime() / 1000), nanos: 0 },
      result: 'fail',
      scored: true,
      resources: [{ apiVersion: 'v1', kind: 'Service', namespace: 'team-a', name: 'web', uid: 'uid-team-a-web' }],
      message: 'Service team-a/web is of type NodePort: NodePort Services expose a port on every node of the cluster',
      properties: { action: 'deny', risk_score: '20', escu_id: 'd7fc865e-b8a1-4029-a960-cf4403b821b6', escu_detection: 'Kubernetes Node Port Creation', mitre_attack: 'T1204' },
    });
    expect(report!.results.find((r) => r.rule === 'kubernetes-daemonset-deployed')).toMatchObject({ severity: 'medium', scored: false, properties: { risk_score: '49' } });
    expect(report!.metadata).toEqual({
      name: 'riskgate',
      namespace: 'team-a',
      labels: { 'app.kubernetes.io/managed-by': 'riskgate' },
      annotations: { 'riskgate.io/result-limit': '100', 'riskgate.io/results-left-out': '0' },
    });
  });

  test.each([
    [0, 'info'], [19, 'info'], [20, 'low'], [39, 'low'], [40, 'medium'], [59, 'medium'], [60, 'high'], [79, 'high'], [80, 'critical'], [100, 'critical'],
  ])('risk score %i is %s', (score, severity) => {
    expect(severityOf(score)).toBe(severity);
  });
});

describe('reports', () => {
  test('one PolicyReport per namespace holding objects, in namespace order; none for a namespace without any', () => {
    const objects = judgeAll([[service('b', 'x', 'ClusterIP'), SERVICES], [daemonSet('a', 'y'), DAEMONSETS]]);
    expect(buildPolicyReports(objects, { now: NOW, maxResults: 10 }).map((r) => `${r.kind} ${r.metadata.namespace}`)).toEqual(['PolicyReport a', 'PolicyReport b']);
  });

  test('cluster-scoped objects go to the ClusterPolicyReport', () => {
    const nodes: LiveResource = { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false };
    const base = requestRules(RULES)[0]!;
    const nodeRule: RequestRule = { ...base, id: 'test-node-named-n1', match: { apiGroups: [''], apiVersions: ['v1'], resources: ['nodes'], operations: ['CREATE'] }, condition: { field: 'object.metadata.name', equals: 'n1' } };
    const objects = judgeAll([[{ metadata: { name: 'n1', uid: 'u1', resourceVersion: '1' } }, nodes]], defaultPolicy([nodeRule]), [nodeRule]);
    const [report] = buildPolicyReports(objects, { now: NOW, maxResults: 10 });
    expect(report).toMatchObject({ kind: 'ClusterPolicyReport', metadata: { name: 'riskgate' } });
    expect(report!.metadata.namespace).toBeUndefined();
    expect(report!.results.map((r) => [r.result, r.resources[0]])).toEqual([['warn', { apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'u1' }]]);
  });

  test('bounded: at most maxResults results, the most pressing kept; the summary counts every result and the annotations say how many were left out', () => {
    const items: Array<[JsonObject, LiveResource]> = [];
    for (let i = 0; i < 6; i++) items.push([service('team-a', `cip-${i}`, 'ClusterIP'), SERVICES]);
    items.push([service('team-a', 'np', 'NodePort'), SERVICES], [daemonSet('team-a', 'agent'), DAEMONSETS]);
    const [report] = buildPolicyReports(judgeAll(items), { now: NOW, maxResults: 3 });
    expect(rows(report!)).toEqual(['np kubernetes-node-port-creation fail', 'agent kubernetes-daemonset-deployed warn', 'cip-0 kubernetes-load-balancer-node-ports skip']);
    expect(report!.summary).toEqual({ pass: 6, fail: 1, warn: 1, error: 0, skip: 7 });
    expect(report!.metadata.annotations).toEqual({ 'riskgate.io/result-limit': '3', 'riskgate.io/results-left-out': '12' });
  });

  test('an unchanged result keeps the time it was first found; a changed one (the object fixed) gets the new time', () => {
    const before = buildPolicyReports(judgeAll([[service('team-a', 'web', 'NodePort'), SERVICES], [daemonSet('team-a', 'agent'), DAEMONSETS]]), { now: NOW, maxResults: 10 });
    const previous = new Map([['team-a', before[0]!]]);
    const fixed = buildPolicyReports(judgeAll([[service('team-a', 'web', 'ClusterIP'), SERVICES], [daemonSet('team-a', 'agent'), DAEMONSETS]]), { now: LATER, maxResults: 10, previous });
    const time = (rule: string, name: string) => fixed[0]!.results.find((r) => r.rule === rule && r.resources[0]!.name === name)!.timestamp.seconds;
    expect(time('kubernetes-daemonset-deployed', 'agent')).toBe(Math.floor(NOW.getTime() / 1000));
    expect(time('kubernetes-node-port-creation', 'web')).toBe(LATER.getTime() / 1000);
    expect(reportChanged(before[0]!, fixed[0]!)).toBe(true);
  });

  test('a report is unchanged when only time passed, or when someone else annotated it; changed when riskgate\'s part differs', () => {
    const objects = judgeAll([[service('team-a', 'web', 'NodePort'), SERVICES]]);
    const first = buildPolicyReports(objects, { now: NOW, maxResults: 10 })[0]!;
    const stored: PolicyReport = { ...first, metadata: { ...first.metadata, annotations: { ...first.metadata.annotations, 'example.com/note': 'seen' }, resourceVersion: '42' } };
    const again = buildPolicyReports(objects, { now: LATER, maxResults: 10, previous: new Map([['team-a', stored]]) })[0]!;
    expect(reportChanged(stored, again)).toBe(false);
    const smaller = buildPolicyReports(objects, { now: LATER, maxResults: 1, previous: new Map([['team-a', stored]]) })[0]!;
    expect(reportChanged(stored, smaller)).toBe(true);
  });
});

describe('the CRDs of charts/riskgate/crds', () => {
  const ajv = new Ajv({ strict: false, allErrors: true, formats: { int32: true, int64: true } });

  test.each(Object.entries(POLICY_REPORT_CRDS))('%s: served and stored as v1alpha2, and every report riskgate writes fits its schema', (_file, crd) => {
    const version = crd.spec.versions[0]!;
    expect([crd.spec.group, version.name, version.served, version.storage]).toEqual(['wgpolicyk8s.io', 'v1alpha2', true, true]);
    const validate = ajv.compile(version.schema.openAPIV3Schema as object);
    const objects = judgeAll([[service('team-a', 'web', 'NodePort'), SERVICES], [daemonSet('team-a', 'agent', { 'riskgate.io/approved': 'platform' }), DAEMONSETS]]);
    for (const report of buildPolicyReports(objects, { now: NOW, maxResults: 10 })) expect([validate(report), validate.errors]).toEqual([true, null]);
    expect(validate({ results: [{ policy: 'p', result: 'failed' }] })).toBe(false);
    expect(validate({ results: [{ policy: 'p', severity: 'urgent' }] })).toBe(false);
  });
});
