// namespaceActions and exemption blocks that end, in the SPL: the terms and where clauses they add, and that over the fixture
// audit events they keep exactly the findings the engine keeps at each event's time.
import { decide } from '../../src/engine/decide.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { defaultPolicy } from '../../src/engine/policy.js';
import type { AuditEvent } from '../../src/kubernetes/audit-event.js';
import { requestOfAuditEvent } from '../../src/request/from-audit-event.js';
import type { JsonObject } from '../../src/request/json-value.js';
import { eventFieldReader } from '../../src/replay/event-fields.js';
import { eventTime } from '../../src/replay/event-time.js';
import { RULES, findRule } from '../../src/rules/catalog.js';
import type { RequestRule } from '../../src/rules/rule.js';
import { evalOf } from '../../src/spl/condition-spl.js';
import { expiringExemptionClauses } from '../../src/spl/expiring-exemption-spl.js';
import { namespaceActionTerms } from '../../src/spl/namespace-action-spl.js';
import { planSearch } from '../../src/spl/search-plan.js';
import { renderSearch } from '../../src/spl/to-spl.js';
import { fixtureAuditEvents } from './audit-fixtures.js';
import { searchMatches, whereMatches } from './spl-subset.js';

/** Each end falls between two fixture events of the rule (or exactly on one, which is then no longer exempt). */
const LIFECYCLE = parsePolicy(
  `rules:
  kubernetes-node-port-creation:
    namespaceActions: {"edge-*": "off", "team-*": deny}
    exemptions:
      - users: [admin]
        expires: 2026-11-23T05:29:30.637793Z
        reason: bootstrap
      - groups: ["system:masters"]
        namespaces: [shop]
        expires: 2026-12-03T07:11:48.800Z
        reason: shop launch
  kubernetes-daemonset-deployed:
    namespaceActions: {monitoring: warn, "kube-*": "off"}
    exemptions:
      - {users: [alice], expires: 2026-11-21T11:05:00Z, reason: rollout}
      - {labels: {app: agent}, expires: 2026-12-03T07:47:29Z, reason: agent trial}
  kubernetes-daemonset-template-update:
    exemptions:
      - {serviceAccounts: ["ci:*"], expires: 2026-11-21T10:27:00Z, reason: ci migration}
      - {groups: [sre], expires: 2026-12-03T07:47:30.2Z, reason: sre drill}
  kubernetes-shell-exec-into-pod:
    namespaceActions: {"team-*": "off"}
  kubernetes-node-port-update:
    namespaceActions: {"edge-*": "off"}
  kubernetes-load-balancer-node-ports:
    action: "off"
    namespaceActions: {"sh*": record}
`,
  'lifecycle.yaml',
  RULES,
);

const BUILT_IN = defaultPolicy(RULES);

function lifecycleSearchKeeps(rule: RequestRule, event: JsonObject): boolean {
  const read = eventFieldReader({ ...planSearch(rule, BUILT_IN), rowFields: [] });
  const terms = namespaceActionTerms(rule, LIFECYCLE);
  if (terms.length > 0 && !searchMatches(terms.join(' '), event, read)) return false;
  return expiringExemptionClauses(rule, LIFECYCLE).every((c) => whereMatches(evalOf(c), event, read, () => []));
}

describe('the lifecycle clauses over the fixture events agree with the engine at each event time', () => {
  const events = fixtureAuditEvents();
  const rules = RULES.filter((r): r is RequestRule => r.type === 'request');

  test.each(rules.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
    const judged = events.flatMap(({ where, event }) => {
      const request = requestOfAuditEvent(event as unknown as AuditEvent);
      if (!request) return [];
      const findings = evaluate(request, RULES);
      if (!decide(findings, BUILT_IN, new Date()).verdicts.some((v) => v.finding.rule.id === rule.id)) return [];
      const engine = decide(findings, LIFECYCLE, eventTime(event as unknown as AuditEvent)).verdicts.some((v) => v.finding.rule.id === rule.id);
      return [{ where, engine, search: lifecycleSearchKeeps(rule, event) }];
    });
    expect(judged.filter((j) => j.engine !== j.search)).toEqual([]);
    // Not vacuous: the policy keeps some findings of the rule and takes others out.
    expect([rule.id, judged.some((j) => j.engine), judged.some((j) => !j.engine)]).toEqual([rule.id, true, true]);
  });
});

describe('the SPL text', () => {
  const creation = findRule('kubernetes-node-port-creation') as RequestRule;

  test('namespaceActions become objectRef.namespace terms for the namespaces where the rule is not off, first match first', () => {
    // team-* denies where the rule records anyway: only edge-* (off) is left out.
    expect(namespaceActionTerms(creation, LIFECYCLE)).toEqual(['NOT objectRef.namespace=edge-*']);
    expect(namespaceActionTerms(findRule('kubernetes-load-balancer-node-ports') as RequestRule, LIFECYCLE)).toEqual(['objectRef.namespace=sh*']);
    expect(namespaceActionTerms(findRule('kubernetes-daemonset-template-update') as RequestRule, LIFECYCLE)).toEqual([]);
    const ordered = parsePolicy('rules:\n  kubernetes-node-port-update:\n    action: "off"\n    namespaceActions: {prod-web: "off", "prod-*": deny, "*": "off"}\n', 'p.yaml', RULES);
    expect(namespaceActionTerms(findRule('kubernetes-node-port-update') as RequestRule, ordered)).toEqual(['(NOT objectRef.namespace=prod-web objectRef.namespace=prod-*)']);
  });

  test('a block that ends is a where conjunct bounded by _time < strptime(…)', () => {
    expect(expiringExemptionClauses(creation, LIFECYCLE).map(evalOf)).toEqual([
      'NOT ((isnotnull(mvfind(\'impersonatedUser.username\', "^admin$")) OR (isnull(\'impersonatedUser.username\') AND isnotnull(mvfind(\'user.username\', "^admin$")))) AND _time < strptime("2026-11-23T05:29:30.637+0000", "%Y-%m-%dT%H:%M:%S.%3N%z"))',
      'NOT ((isnotnull(mvfind(\'objectRef.namespace\', "^shop$")) OR (isnotnull(mvfind(\'impersonatedUser.groups{}\', "^system:masters$")) OR (isnull(\'impersonatedUser.username\') AND isnotnull(mvfind(\'user.groups{}\', "^system:masters$"))))) AND _time < strptime("2026-12-03T07:11:48.800+0000", "%Y-%m-%dT%H:%M:%S.%3N%z"))',
    ]);
    const search = renderSearch(planSearch(creation, LIFECYCLE));
    expect(search).toContain(' NOT objectRef.namespace=edge-* | where NOT (');
    expect(search).toContain('| where NOT ((isnotnull(mvfind(\'impersonatedUser.username\', "^admin$"))');
  });
});

test('a metric rule: endless blocks stay search terms, a block that ends is bounded by now() (its rows are aggregates without _time)', async () => {
  const { metricSearch } = await import('../../src/spl/metric-spl.js');
  const policy = parsePolicy(
    'rules:\n  kubernetes-shell-running-on-worker-node:\n    exemptions:\n      - {nodes: [node-1]}\n      - {clusters: [lab, "dev-*"], expires: 2026-12-01T00:00:00Z, reason: chaos test}\n',
    'p.yaml',
    RULES,
  );
  const search = metricSearch(findRule('kubernetes-shell-running-on-worker-node') as never, policy);
  expect(search).toContain(' | search NOT k8s.node.name=node-1 | where NOT (match(\'k8s.cluster.name\', "^(?:lab|dev-.*)$") AND now() < strptime("2026-12-01T00:00:00+0000", "%Y-%m-%dT%H:%M:%S%z")) | ');
});
