// A live object (a LIST item: no apiVersion or kind) is judged as the CREATE AdmissionReview of the same object was: same rules, summaries and actions.
import { decide } from '../../src/engine/decide.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { defaultPolicy, type Policy } from '../../src/engine/policy.js';
import { fromAdmissionReview } from '../../src/request/from-admission-review.js';
import { AUDIT_USER, fromLiveObject, type LiveResource } from '../../src/request/from-live-object.js';
import type { JsonObject } from '../../src/request/json-value.js';
import type { ResourceRequest } from '../../src/request/resource-request.js';
import { RULES } from '../../src/rules/catalog.js';
import { auditTargets, listPath, objectPath, resourceName } from '../../src/cluster-audit/audit-targets.js';
import { requestRules } from '../../src/rules/catalog.js';
import { capturedReview } from '../fixture-path.js';

const SERVICES: LiveResource = { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true };
const DAEMONSETS: LiveResource = { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true };

// No user or group exemptions: the API keeps no creator, so a live object is judged as riskgate-audit.
const POLICIES: Array<[string, Policy]> = [
  ['built-in', defaultPolicy(RULES)],
  [
    'deny, warn and a label exemption',
    parsePolicy(
      'defaultAction: deny\nrules:\n  kubernetes-daemonset-deployed: {action: warn}\n  kubernetes-load-balancer-node-ports:\n    exemptions: {labels: {app: lb-svc}}\n',
      'policy.yaml',
      RULES,
    ),
  ],
];

/** The stored object as a LIST returns it: the review's object without apiVersion and kind. */
function asListItem(object: JsonObject): JsonObject {
  const { apiVersion: _apiVersion, kind: _kind, ...item } = object;
  return item;
}

function judged(request: ResourceRequest, policy: Policy): string[] {
  const findings = evaluate(request, RULES);
  const decision = decide(findings, policy, new Date());
  return [
    ...findings.map((f) => `${f.rule.id}: ${f.summary}`),
    ...decision.verdicts.map((v) => `${v.finding.rule.id} ${v.action}`),
    ...decision.exempted.map((e) => `${e.finding.rule.id} exempt ${e.exemption}`),
  ];
}

describe('a live object judged as if created now', () => {
  const creates: Array<[string, LiveResource]> = [
    ['001', SERVICES], ['002', SERVICES], ['006', SERVICES], ['007', DAEMONSETS], ['009', SERVICES],
  ];

  describe.each(POLICIES)('policy: %s', (_name, policy) => {
    test.each(creates)('capture %s: the same findings and decision as its CREATE review', (prefix, resource) => {
      const { request: admission } = fromAdmissionReview(capturedReview(prefix));
      const live = fromLiveObject(asListItem(admission.object!), resource);
      expect(judged(live, policy)).toEqual(judged(admission, policy));
    });
  });

  test('the request: CREATE, dry run, source cluster, the object uid, apiVersion and kind filled in from the LIST, the audit identity', () => {
    const { request: admission } = fromAdmissionReview(capturedReview('007'));
    const item = asListItem(admission.object!);
    const live = fromLiveObject(item, DAEMONSETS);
    const metadata = item['metadata'] as { uid: string; name: string; namespace: string; resourceVersion?: string };
    expect(live).toMatchObject({
      source: 'cluster',
      operation: 'CREATE',
      group: 'apps',
      version: 'v1',
      resource: 'daemonsets',
      kind: 'DaemonSet',
      namespace: metadata.namespace,
      name: metadata.name,
      objectUid: metadata.uid,
      oldObject: null,
      dryRun: true,
      user: AUDIT_USER,
    });
    expect(live.object).toMatchObject({ apiVersion: 'apps/v1', kind: 'DaemonSet' });
    expect(item['kind']).toBeUndefined();
  });

  test('a cluster-scoped kind has no namespace, whatever its metadata says', () => {
    const nodes: LiveResource = { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false };
    expect(fromLiveObject({ metadata: { name: 'n1', namespace: 'stray', uid: 'u1', resourceVersion: '7' } }, nodes)).toMatchObject({ namespace: '', name: 'n1', uid: 'u1@7' });
  });
});

describe('what an audit lists', () => {
  test('every resource a request rule selects on CREATE, at the rule\'s version, without subresources: Services and DaemonSets', () => {
    expect(auditTargets(requestRules(RULES))).toEqual([SERVICES, DAEMONSETS]);
  });

  test('UPDATE-only and CONNECT rules add nothing', () => {
    const updateOnly = requestRules(RULES).filter((r) => !r.match.operations.includes('CREATE'));
    expect(updateOnly.map((r) => r.id)).toEqual(['kubernetes-node-port-update', 'kubernetes-daemonset-template-update', 'kubernetes-shell-exec-into-pod']);
    expect(auditTargets(updateOnly)).toEqual([]);
  });

  test('LIST and object paths, and the names RBAC messages use', () => {
    expect(listPath(SERVICES)).toBe('/api/v1/services');
    expect(listPath(DAEMONSETS, 'team-a')).toBe('/apis/apps/v1/namespaces/team-a/daemonsets');
    expect(objectPath(DAEMONSETS, 'team-a', 'agent')).toBe('/apis/apps/v1/namespaces/team-a/daemonsets/agent');
    expect(resourceName(SERVICES)).toBe('services');
    expect(resourceName(DAEMONSETS)).toBe('daemonsets.apps');
  });
});
