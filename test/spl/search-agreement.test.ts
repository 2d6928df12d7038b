// The generated searches, run by an interpreter of the SPL they use over real audit events, select what the engine + policy find.
import { decide } from '../../src/engine/decide.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { defaultPolicy } from '../../src/engine/policy.js';
import type { Policy } from '../../src/engine/policy.js';
import type { AuditEvent } from '../../src/kubernetes/audit-event.js';
import { requestOfAuditEvent } from '../../src/request/from-audit-event.js';
import type { JsonObject, JsonValue } from '../../src/request/json-value.js';
import { isJsonObject } from '../../src/request/json-value.js';
import { eventFieldReader } from '../../src/replay/event-fields.js';
import { RULES } from '../../src/rules/catalog.js';
import type { RequestRule } from '../../src/rules/rule.js';
import { evalOf } from '../../src/spl/condition-spl.js';
import type { SearchPlan } from '../../src/spl/search-plan.js';
import { planSearch } from '../../src/spl/search-plan.js';
import { activeRules, toSpl } from '../../src/spl/to-spl.js';
import { fixtureAuditEvents } from './audit-fixtures.js';
import { searchMatches, whereMatches } from './spl-subset.js';

const EXEMPTING = `apiVersion: riskgate.io/v1
kind: Policy
exemptions:
  namespaces: [kube-system]
  serviceAccounts: ["ci:*"]
rules:
  kubernetes-node-port-creation:
    exemptions: {users: [admin-token-user]}
  kubernetes-daemonset-deployed:
    exemptions:
      users: [bob]
      labels: {app.kubernetes.io/managed-by: platform}
  kubernetes-daemonset-template-update:
    exemptions: {labels: {app: node-exporter}}
  kubernetes-load-balancer-node-ports:
    action: off
`;

const POLICIES: Array<[string, Policy]> = [
  ['built-in', defaultPolicy(RULES)],
  ['exemptions of every kind', parsePolicy(EXEMPTING, 'exempting.yaml', RULES)],
];

/**
 * Where the search and the engine are known to differ on these fixtures, and why (README, "What the search cannot
 * see"): a JSON patch (kubectl patch --type=json) has an array body, so `spath(requestObject.spec.template)` sees
 * nothing, while replay rebuilds the object and finds the template change. The LoadBalancer search reads
 * requestObject.spec.type, which a patch body holds only when it changes the type: patches that add a node port
 * (JSON or strategic merge), switch externalTrafficPolicy to Local or turn allocation on (also through kubectl apply)
 * are found by replay only; and a NodePort Service patched into a LoadBalancer, which keeps the node port it had,
 * is selected by the search only (its body says LoadBalancer, allocation unset).
 */
const lb = (line: number, engine: boolean) => ({ policy: 'built-in', rule: 'kubernetes-load-balancer-node-ports', where: `load-balancers-v1.32/audit.log.jsonl:${line}`, engine, search: !engine });
const KNOWN_DIFFERENCES = [
  { policy: 'built-in', rule: 'kubernetes-daemonset-template-update', where: 'synthetic/daemonset-patches.jsonl:3', engine: true, search: false },
  ...[9, 10, 11, 12].map((line) => lb(line, true)),
  lb(17, false),
  lb(22, true),
];

function spathOf(event: JsonObject, path: string): string[] {
  let values: JsonValue[] = [event];
  for (const part of path.split('.')) {
    const key = part.replace(/\{\}$/, '');
    values = values.flatMap((v) => (isJsonObject(v) && key in v ? [v[key]!] : []));
    if (part.endsWith('{}')) values = values.flatMap((v) => (Array.isArray(v) ? v : []));
  }
  return values.filter((v) => v !== null).map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v)));
}

/** The rule's search up to `stats` over one event: base terms, exec/attach derivations, where clause. */
function searchSelects(plan: SearchPlan, event: JsonObject): boolean {
  const read = eventFieldReader({ ...plan, rowFields: [] });
  if (!searchMatches(plan.baseTerms.join(' '), event, read)) return false;
  return plan.where.every((w) => whereMatches(evalOf(w), event, read, (path) => spathOf(event, path)));
}

function engineFinds(rule: RequestRule, event: JsonObject, policy: Policy): boolean {
  const request = requestOfAuditEvent(event as unknown as AuditEvent);
  if (!request) return false;
  return decide(evaluate(request, RULES), policy, new Date()).verdicts.some((v) => v.finding.rule.id === rule.id);
}

/** What the exempting policy takes out of each rule's built-in results (same for the search and the engine, checked above). */
const EXEMPTED: Record<string, string[]> = {
  'kubernetes-node-port-creation': ['v1.32/audit.log.jsonl:16', 'v1.32/audit.log.jsonl:17'],
  'kubernetes-daemonset-deployed': [
    'synthetic/daemonset-create-impersonated.jsonl:1',
    'synthetic/daemonset-create-levels.jsonl:1',
    'synthetic/daemonset-create-levels.jsonl:2',
  ],
  'kubernetes-daemonset-template-update': ['synthetic/daemonset-patches.jsonl:1'],
  'kubernetes-node-port-update': [],
  'kubernetes-shell-exec-into-pod': [],
};

test('every kind of exemption takes the expected events out of the searches', () => {
  const events = fixtureAuditEvents();
  const [, builtIn] = POLICIES[0]!;
  const [, exempting] = POLICIES[1]!;
  for (const [id, expected] of Object.entries(EXEMPTED)) {
    const rule = RULES.find((r) => r.id === id) as RequestRule;
    const before = planSearch(rule, builtIn);
    const after = planSearch(rule, exempting);
    const removed = events.filter(({ event }) => searchSelects(before, event) && !searchSelects(after, event)).map((e) => e.where);
    expect([id, removed]).toEqual([id, expected]);
  }
});

describe.each(POLICIES)('search vs engine over the fixture audit events, policy %s', (policyName, policy) => {
  const events = fixtureAuditEvents();
  const rules = activeRules(RULES, policy).filter((r): r is RequestRule => r.type === 'request');

  test.each(rules.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
    const plan = planSearch(rule, policy);
    const disagreements = events
      .map(({ where, event }) => ({ where, engine: engineFinds(rule, event, policy), search: searchSelects(plan, event) }))
      .filter((r) => r.engine !== r.search)
      .map((r) => ({ policy: policyName, rule: rule.id, ...r }));
    const known = KNOWN_DIFFERENCES.filter((k) => k.policy === policyName && k.rule === rule.id);
    expect(disagreements).toEqual(known);
    // The comparison is not vacuous: each rule selects something in at least one policy run.
    if (policyName === 'built-in') expect(events.some(({ event }) => searchSelects(plan, event))).toBe(true);
  });

  test('off rules are left out of the export', () => {
    const exported = toSpl(RULES, policy).searches.map((s) => s.rule.id);
    const off = RULES.filter((r) => policy.rules.get(r.id)?.action === 'off').map((r) => r.id);
    expect(off).toEqual(policyName === 'built-in' ? [] : ['kubernetes-load-balancer-node-ports']);
    for (const id of off) expect(exported).not.toContain(id);
  });
});
