// Policy files: valid shapes parse; unknown rule ids, actions and keys fail with file:line:column and the key.
import { parsePolicy, PolicyError } from '../../src/engine/policy-file.js';
import { RULES } from '../../src/rules/catalog.js';

function errorOf(text: string): PolicyError {
  try {
    parsePolicy(text, 'policy.yaml', RULES);
  } catch (e) {
    if (e instanceof PolicyError) return e;
    throw e;
  }
  throw new Error('expected a PolicyError');
}

describe('parsePolicy', () => {
  test('an empty file is the default policy: every rule records', () => {
    const policy = parsePolicy('', 'policy.yaml', RULES);
    expect([...policy.rules.values()].map((r) => r.action)).toEqual(RULES.map(() => 'record'));
  });

  test('actions and every exemption kind are read', () => {
    const policy = parsePolicy(
      [
        'apiVersion: riskgate.io/v1',
        'kind: Policy',
        'exemptions:',
        '  namespaces: [kube-system]',
        'rules:',
        '  kubernetes-node-port-creation:',
        '    action: deny',
        '    exemptions:',
        '      namespaces: [ingress-*]',
        '      users: [alice]',
        '      groups: [platform]',
        '      serviceAccounts: ["ci:deployer"]',
        '      labels: {riskgate.io/exempt: "true"}',
        '  kubernetes-daemonset-deployed: {action: off}',
      ].join('\n'),
      'policy.yaml',
      RULES,
    );
    expect(policy.exemptions.namespaces).toEqual(['kube-system']);
    expect(policy.rules.get('kubernetes-node-port-creation')).toEqual({
      action: 'deny',
      exemptions: expect.objectContaining({
        namespaces: ['ingress-*'],
        users: ['alice'],
        groups: ['platform'],
        serviceAccounts: ['ci:deployer'],
        labels: { 'riskgate.io/exempt': 'true' },
      }),
    });
    expect(policy.rules.get('kubernetes-daemonset-deployed')?.action).toBe('off');
    expect(policy.rules.get('kubernetes-node-port-update')?.action).toBe('record');
  });

  test('defaultAction applies to rules the file does not name', () => {
    const policy = parsePolicy('defaultAction: warn\nrules:\n  kubernetes-daemonset-deployed: {action: deny}\n', 'p.yaml', RULES);
    expect(policy.rules.get('kubernetes-node-port-creation')?.action).toBe('warn');
    expect(policy.rules.get('kubernetes-daemonset-deployed')?.action).toBe('deny');
  });

  test.each([
    ['unknown rule id', 'rules:\n  kubernetes-no-such-rule:\n    action: deny\n', 'POLICY_UNKNOWN_RULE', 2, 'rules.kubernetes-no-such-rule'],
    ['unknown action', 'rules:\n  kubernetes-node-port-creation:\n    action: block\n', 'POLICY_UNKNOWN_ACTION', 3, 'rules.kubernetes-node-port-creation.action'],
    ['unknown rule key', 'rules:\n  kubernetes-node-port-creation:\n    mode: deny\n', 'POLICY_UNKNOWN_KEY', 3, 'rules.kubernetes-node-port-creation.mode'],
    ['unknown exemption key', 'exemptions:\n  namespace: [a]\n', 'POLICY_UNKNOWN_KEY', 2, 'exemptions.namespace'],
    ['unknown top-level key', 'rule:\n  x: 1\n', 'POLICY_UNKNOWN_KEY', 1, 'rule'],
    ['bad service account', 'exemptions:\n  serviceAccounts: [deployer]\n', 'POLICY_BAD_SERVICE_ACCOUNT', 2, 'exemptions.serviceAccounts[0]'],
    ['list expected', 'exemptions:\n  users: alice\n', 'POLICY_NOT_A_LIST', 2, 'exemptions.users'],
    ['duplicate key', 'rules: {}\nrules: {}\n', 'POLICY_YAML', 2, ''],
    ['prototype key', 'rules:\n  __proto__: {action: deny}\n', 'POLICY_UNKNOWN_RULE', 2, 'rules.__proto__'],
  ])('%s', (_title, text, code, line, key) => {
    const error = errorOf(text);
    expect(error.code).toBe(code);
    expect(error.line).toBe(line);
    expect(error.key).toBe(key);
    expect(error.message).toMatch(new RegExp(`^policy\\.yaml:${line}:\\d+: `));
  });
});
