// `riskgate audit` reports through check's writers: live objects as namespace/kind/name, exit codes, and the JSON and SARIF schemas.
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { auditReport, judgeLiveObject } from '../../src/cluster-audit/audit-report.js';
import { policyReportOutput } from '../../src/cluster-audit/policy-report-output.js';
import { JSON_REPORT_SCHEMA } from '../../src/check/json-report-schema.js';
import { jsonReport } from '../../src/check/json-report.js';
import { junitReport } from '../../src/check/junit-report.js';
import { sarifReport } from '../../src/check/sarif-report.js';
import { textReport } from '../../src/check/text-report.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import type { LiveResource } from '../../src/request/from-live-object.js';
import type { JsonObject } from '../../src/request/json-value.js';
import { RULES, requestRules } from '../../src/rules/catalog.js';
import { parseAllDocuments } from 'yaml';
import { parseJunit } from '../check/report-findings.js';
import { sarifValidator } from '../check/sarif-schema.js';

const SERVICES: LiveResource = { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true };
const DAEMONSETS: LiveResource = { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true };
const SCOPE = { cluster: 'kind-dev', server: 'https://127.0.0.1:6443', namespaces: [] };

function report(policyText: string, failOn: 'deny' | 'warn' = 'deny') {
  const policy = parsePolicy(policyText, 'policy.yaml', RULES);
  const judge = { cluster: 'kind-dev', policy, rules: requestRules(RULES) };
  const items: Array<[JsonObject, LiveResource]> = [
    [{ metadata: { namespace: 'team-b', name: 'agent', uid: 'u-agent', resourceVersion: '9' }, spec: {} }, DAEMONSETS],
    [{ metadata: { namespace: 'team-a', name: 'web', uid: 'u-web', resourceVersion: '7' }, spec: { type: 'NodePort' } }, SERVICES],
    [{ metadata: { namespace: 'team-a', name: 'db', uid: 'u-db', resourceVersion: '8' }, spec: { type: 'ClusterIP' } }, SERVICES],
  ];
  return auditReport(items.map(([item, target]) => judgeLiveObject(item, target, judge)), { scope: SCOPE, policy, rules: requestRules(RULES), failOn, toolVersion: '0.1.0' });
}

const DENY_NODE_PORTS = 'rules:\n  kubernetes-node-port-creation: {action: deny}\n  kubernetes-daemonset-deployed: {action: warn}\n';

describe('an audit report', () => {
  test('text: one line per finding naming namespace/kind/name and the rule, in namespace order; the summary names the cluster', () => {
    expect(textReport(report(DENY_NODE_PORTS))).toBe(
      [
        'team-a/Service/web kubernetes-node-port-creation deny Service team-a/web is of type NodePort: NodePort Services expose a port on every node of the cluster',
        'team-b/DaemonSet/agent kubernetes-daemonset-deployed warn DaemonSet team-b/agent is created: DaemonSets run a pod on every node of the cluster',
        'riskgate audit: 3 objects in 2 namespaces of kind-dev: 1 denied, 1 warned, 0 recorded, 0 exempted, 1 passed',
        '',
      ].join('\n'),
    );
  });

  test('exit code as check: 1 on a would-be denial, on a warning only with --fail-on warn, else 0', () => {
    expect(report(DENY_NODE_PORTS).exitCode).toBe(1);
    expect(report('rules:\n  kubernetes-daemonset-deployed: {action: warn}\n').exitCode).toBe(0);
    expect(report('rules:\n  kubernetes-daemonset-deployed: {action: warn}\n', 'warn').exitCode).toBe(1);
  });

  test('json: the check report schema, objects with their API path, uid and resourceVersion, and the audited cluster', () => {
    const parsed = JSON.parse(jsonReport(report(DENY_NODE_PORTS))) as { audit: unknown; settings: Record<string, unknown>; objects: Array<Record<string, unknown>> };
    const ajv = new Ajv({ strict: false, allErrors: true });
    (addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv);
    const validate = ajv.compile(JSON_REPORT_SCHEMA);
    expect([validate(parsed), validate.errors]).toEqual([true, null]);
    expect(parsed.audit).toEqual(SCOPE);
    expect(parsed.settings).toEqual({ operation: 'CREATE', user: { username: 'riskgate-audit', groups: ['system:authenticated'] }, policy: 'policy.yaml', failOn: 'deny' });
    expect(parsed.objects[1]).toMatchObject({ path: '/api/v1/namespaces/team-a/services/web', uid: 'u-web', resourceVersion: '7', kind: 'Service', namespace: 'team-a', name: 'web', outcome: 'deny' });
    expect(parsed.objects[1]!['file']).toBeUndefined();
  });

  test('junit: a suite per namespace, a case per object and rule, the denial a failure', () => {
    const doc = parseJunit(junitReport(report(DENY_NODE_PORTS)));
    expect(doc.testsuites.name).toBe('riskgate audit kind-dev');
    expect(doc.testsuites.testsuite.map((s) => `${s.name}: ${s.testcase.map((c) => `${c.name}${c.failure ? ` ${c.failure.type}` : ''}`).join(', ')}`)).toEqual([
      'namespace team-a: team-a/Service/db kubernetes-node-port-creation, team-a/Service/db kubernetes-load-balancer-node-ports, team-a/Service/web kubernetes-node-port-creation deny, team-a/Service/web kubernetes-load-balancer-node-ports',
      'namespace team-b: team-b/DaemonSet/agent kubernetes-daemonset-deployed',
    ]);
    expect(doc.testsuites.testsuite[0]!.testcase[2]!.file).toBe('/api/v1/namespaces/team-a/services/web');
  });

  test('sarif: valid SARIF 2.1.0, results at the object\'s API path under the API server\'s base URI', () => {
    const sarif = JSON.parse(sarifReport(report(DENY_NODE_PORTS)));
    const validate = sarifValidator();
    expect([validate(sarif), validate.errors]).toEqual([true, null]);
    const run = sarif.runs[0];
    expect(run.originalUriBaseIds).toEqual({ KUBERNETES_API_SERVER: { uri: 'https://127.0.0.1:6443/', description: { text: 'the API server of kind-dev' } } });
    expect(run.results.map((r: { ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: unknown }; logicalLocations: Array<{ fullyQualifiedName: string }> }> }) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.artifactLocation, r.locations[0]!.logicalLocations[0]!.fullyQualifiedName])).toEqual([
      ['kubernetes-node-port-creation', 'error', { uri: 'api/v1/namespaces/team-a/services/web', uriBaseId: 'KUBERNETES_API_SERVER' }, 'team-a/Service/web'],
      ['kubernetes-daemonset-deployed', 'warning', { uri: 'apis/apps/v1/namespaces/team-b/daemonsets/agent', uriBaseId: 'KUBERNETES_API_SERVER' }, 'team-b/DaemonSet/agent'],
    ]);
  });

  test('policyreport: a YAML stream of one PolicyReport per namespace, kubectl-appliable', () => {
    const docs = parseAllDocuments(policyReportOutput(report(DENY_NODE_PORTS), new Date('2026-03-02T10:00:00Z'))).map((d) => d.toJS() as { kind: string; metadata: { namespace: string }; summary: unknown });
    expect(docs.map((d) => [d.kind, d.metadata.namespace, d.summary])).toEqual([
      ['PolicyReport', 'team-a', { pass: 3, fail: 1, warn: 0, error: 0, skip: 0 }],
      ['PolicyReport', 'team-b', { pass: 0, fail: 0, warn: 1, error: 0, skip: 0 }],
    ]);
  });
});
