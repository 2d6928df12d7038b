// The decision step: actions per rule, global and per-rule exemptions of every kind, and what cannot bypass them.
import { decide } from '../../src/engine/decide.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { RULES } from '../../src/rules/catalog.js';
import { fromAdmissionReview } from '../../src/request/from-admission-review.js';
import type { ResourceRequest } from '../../src/request/resource-request.js';
import { capturedReview } from '../fixture-path.js';

/** The instant decisions are taken at: no block in these cases has an end, so any instant gives the same answers. */
const NOW = new Date('2026-06-01T12:00:00Z');

function nodePortRequest(change: (r: ResourceRequest) => void = () => {}): ResourceRequest {
  const { request } = fromAdmissionReview(capturedReview('001'));
  change(request);
  return request;
}

function decisionFor(request: ResourceRequest, exemptions: string) {
  const policy = parsePolicy(`rules:\n  kubernetes-node-port-creation:\n    action: deny\n    exemptions:\n${exemptions}`, 'p.yaml', RULES);
  return decide(evaluate(request, RULES), policy, NOW);
}

describe('decide', () => {
  test.each(['deny', 'warn', 'record'] as const)('action %s becomes the verdict', (action) => {
    const policy = parsePolicy(`rules:\n  kubernetes-node-port-creation: {action: ${action}}\n`, 'p.yaml', RULES);
    const decision = decide(evaluate(nodePortRequest(), RULES), policy, NOW);
    expect(decision.verdicts.map((v) => v.action)).toEqual([action]);
    expect(decision.allowed).toBe(action !== 'deny');
  });

  test('action off yields no verdict', () => {
    const policy = parsePolicy('rules:\n  kubernetes-node-port-creation: {action: off}\n', 'p.yaml', RULES);
    expect(decide(evaluate(nodePortRequest(), RULES), policy, NOW)).toEqual({ allowed: true, verdicts: [], exempted: [] });
  });

  test.each([
    ['namespace', '      namespaces: [default]\n', 'rule namespace=default'],
    ['namespace glob', '      namespaces: ["def*"]\n', 'rule namespace=def*'],
    ['user', '      users: [admin]\n', 'rule user=admin'],
    ['group', '      groups: [system:masters]\n', 'rule group=system:masters'],
    ['label', '      labels: {app: np-svc}\n', 'rule labels=app:np-svc'],
  ])('exemption by %s', (_kind, yaml, expected) => {
    const decision = decisionFor(nodePortRequest(), yaml);
    expect(decision.allowed).toBe(true);
    expect(decision.exempted.map((e) => e.exemption)).toEqual([expected]);
  });

  test('exemption by service account', () => {
    const request = nodePortRequest((r) => {
      r.user = { username: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts'] };
    });
    expect(decisionFor(request, '      serviceAccounts: ["ci:deployer"]\n').allowed).toBe(true);
    expect(decisionFor(request, '      serviceAccounts: ["ci:*"]\n').allowed).toBe(true);
    expect(decisionFor(request, '      serviceAccounts: ["other:deployer"]\n').allowed).toBe(false);
  });

  test('metadata.namespace cannot stand in for request.namespace', () => {
    const request = nodePortRequest((r) => {
      r.namespace = 'prod';
    });
    expect(decisionFor(request, '      namespaces: [default]\n').allowed).toBe(false);
  });

  test('names are case-sensitive: ADMIN is not admin', () => {
    expect(decisionFor(nodePortRequest(), '      users: [ADMIN]\n').allowed).toBe(false);
  });

  test('a label added by the same UPDATE does not exempt', () => {
    const { request } = fromAdmissionReview(capturedReview('003'));
    const withLabel = structuredClone(request);
    (withLabel.object!['metadata'] as { labels: Record<string, string> }).labels['exempt'] = 'yes';
    const policy = parsePolicy('rules:\n  kubernetes-node-port-update:\n    action: deny\n    exemptions: {labels: {exempt: "yes"}}\n', 'p.yaml', RULES);
    expect(decide(evaluate(withLabel, RULES), policy, NOW).allowed).toBe(false);
  });

  test('global exemptions apply to every rule', () => {
    const policy = parsePolicy('exemptions: {namespaces: [default]}\nrules:\n  kubernetes-node-port-creation: {action: deny}\n', 'p.yaml', RULES);
    const decision = decide(evaluate(nodePortRequest(), RULES), policy, NOW);
    expect(decision.allowed).toBe(true);
    expect(decision.exempted[0]?.exemption).toBe('policy namespace=default');
  });
});
