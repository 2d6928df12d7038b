// rules.<id>.namespaceActions: the first pattern matching request.namespace gives the action, else the rule's own.
import { decide } from '../../src/engine/decide.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { isActive, strongestAction } from '../../src/engine/policy.js';
import { RULES } from '../../src/rules/catalog.js';
import { fromAdmissionReview } from '../../src/request/from-admission-review.js';
import { capturedReview } from '../fixture-path.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const RULE = 'kubernetes-node-port-creation';

const POLICY = parsePolicy(
  [
    'rules:',
    `  ${RULE}:`,
    '    action: warn',
    '    namespaceActions:',
    '      prod-payments: record',
    '      "prod-*": deny',
    '      "dev-*": record',
    '      sandbox: off',
  ].join('\n'),
  'ns.yaml',
  RULES,
);

function actionIn(namespace: string): string {
  const { request } = fromAdmissionReview(capturedReview('001'));
  request.namespace = namespace;
  const decision = decide(evaluate(request, RULES), POLICY, NOW);
  return decision.verdicts.find((v) => v.finding.rule.id === RULE)?.action ?? 'none';
}

describe('namespaceActions', () => {
  test.each([
    ['prod-payments', 'record', 'the first match wins, before the broader prod-*'],
    ['prod-web', 'deny', 'a pattern'],
    ['dev-1', 'record', 'another pattern'],
    ['sandbox', 'none', 'off: no verdict at all'],
    ['default', 'warn', 'no match: the rule action'],
    ['', 'warn', 'a cluster-scoped object (no namespace) matches no pattern but *'],
  ])('%s → %s (%s)', (namespace, expected) => {
    expect(actionIn(namespace)).toBe(expected);
  });

  test('a rule that is off but denies in some namespaces is active, and its strongest action is deny', () => {
    const policy = parsePolicy(`rules:\n  ${RULE}:\n    action: "off"\n    namespaceActions: {"prod-*": deny}\n`, 'p.yaml', RULES);
    expect(isActive(policy, RULE)).toBe(true);
    expect(strongestAction(policy.rules.get(RULE))).toBe('deny');
    expect(isActive(policy, 'kubernetes-daemonset-deployed')).toBe(true);
  });

  test('the deny of a namespace denies the request; exemptions still apply there', () => {
    const policy = parsePolicy(`rules:\n  ${RULE}:\n    namespaceActions: {default: deny}\n    exemptions: {users: [admin], reason: cluster admin}\n`, 'p.yaml', RULES);
    const { request } = fromAdmissionReview(capturedReview('001'));
    const decision = decide(evaluate(request, RULES), policy, NOW);
    expect(decision.allowed).toBe(true);
    expect(decision.exempted.map((e) => e.exemption)).toEqual(['rule user=admin (reason: cluster admin)']);
  });
});
