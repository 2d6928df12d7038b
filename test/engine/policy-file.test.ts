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
    expect(policy.exemptions.map((b) => b.match.namespaces)).toEqual([['kube-system']]);
    expect(policy.rules.get('kubernetes-node-port-creation')).toEqual({
      action: 'deny',
      namespaceActions: [],
      exemptions: [
        {
          where: 'policy.yaml:9',
          match: expect.objectContaining({
            namespaces: ['ingress-*'],
            users: ['alice'],
            groups: ['platform'],
            serviceAccounts: ['ci:deployer'],
            labels: { 'riskgate.io/exempt': 'true' },
          }),
        },
      ],
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
    ['expires that is no time', 'exemptions:\n  - users: [a]\n    expires: next week\n', 'POLICY_BAD_EXPIRES', 3, 'exemptions[0].expires'],
    ['expires without an offset', 'exemptions:\n  users: [a]\n  expires: "2026-12-01T00:00:00"\n', 'POLICY_BAD_EXPIRES', 3, 'exemptions.expires'],
    ['expires on a day that does not exist', 'exemptions:\n  users: [a]\n  expires: 2026-02-30T00:00:00Z\n', 'POLICY_BAD_EXPIRES', 3, 'exemptions.expires'],
    ['a block that exempts nothing but has a reason', 'exemptions:\n  - users: [a]\n  - reason: why\n', 'POLICY_EMPTY_EXEMPTION', 3, 'exemptions[1]'],
    ['a list item that is no mapping', 'exemptions:\n  - [a]\n', 'POLICY_NOT_A_MAP', 2, 'exemptions[0]'],
    ['requireReason not a boolean', 'requireReason: yes please\n', 'POLICY_NOT_A_BOOLEAN', 1, 'requireReason'],
    ['namespaceActions with an unknown action', 'rules:\n  kubernetes-node-port-creation:\n    namespaceActions: {"prod-*": block}\n', 'POLICY_UNKNOWN_ACTION', 3, 'rules.kubernetes-node-port-creation.namespaceActions.prod-*'],
    ['namespaceLabels with a list for a value', 'exemptions:\n  namespaceLabels: {zone: [dmz]}\n', 'POLICY_NOT_A_STRING', 2, 'exemptions.namespaceLabels.zone'],
    ['namespaceLabels on a metric rule (its points name no Namespace object)', 'rules:\n  kubernetes-shell-running-on-worker-node:\n    exemptions: {namespaceLabels: {zone: dmz}}\n', 'POLICY_UNKNOWN_KEY', 3, 'rules.kubernetes-shell-running-on-worker-node.exemptions.namespaceLabels'],
    ['namespaceActions on a metric rule', 'rules:\n  kubernetes-shell-running-on-worker-node:\n    namespaceActions: {"prod-*": record}\n', 'POLICY_UNKNOWN_KEY', 3, 'rules.kubernetes-shell-running-on-worker-node.namespaceActions'],
  ])('%s', (_title, text, code, line, key) => {
    const error = errorOf(text);
    expect(error.code).toBe(code);
    expect(error.line).toBe(line);
    expect(error.key).toBe(key);
    expect(error.message).toMatch(new RegExp(`^policy\\.yaml:${line}:\\d+: `));
  });

  test('requireReason: true makes the first block without a reason a file:line error, wherever requireReason stands', () => {
    const text = [
      'exemptions:',
      '  - {namespaces: [kube-system], reason: control plane}',
      'rules:',
      '  kubernetes-node-port-creation:',
      '    exemptions:',
      '      - users: [alice]',
      '        reason: ingress owner',
      '      - groups: [platform]',
      '        expires: 2026-12-01T00:00:00Z',
      'requireReason: true',
    ].join('\n');
    const error = errorOf(text);
    expect(error.code).toBe('POLICY_REASON_REQUIRED');
    expect(error.message).toBe(
      'policy.yaml:8:9: rules.kubernetes-node-port-creation.exemptions[1]: requireReason is true: this exemption block needs a reason',
    );
    expect(() => parsePolicy(text.replace('requireReason: true', 'requireReason: false'), 'policy.yaml', RULES)).not.toThrow();
  });

  test('blocks as a list, with expires, reason and where; namespaceActions in file order', () => {
    const policy = parsePolicy(
      [
        'rules:',
        '  kubernetes-node-port-creation:',
        '    action: record',
        '    namespaceActions:',
        '      "prod-*": deny',
        '      "dev-*": "off"',
        '    exemptions:',
        '      - namespaces: [team-a]',
        '        expires: 2026-12-01T10:00:00.5+01:00',
        '        reason: migration',
        '      - {}',
        '      - labels: {approved: "yes"}',
      ].join('\n'),
      'p.yaml',
      RULES,
    );
    const rule = policy.rules.get('kubernetes-node-port-creation')!;
    expect(rule.namespaceActions).toEqual([
      { pattern: 'prod-*', action: 'deny' },
      { pattern: 'dev-*', action: 'off' },
    ]);
    expect(rule.exemptions.map(({ where, expires, reason }) => ({ where, expires: expires?.toISOString(), reason }))).toEqual([
      { where: 'p.yaml:8', expires: '2026-12-01T09:00:00.500Z', reason: 'migration' },
      { where: 'p.yaml:12', expires: undefined, reason: undefined },
    ]);
  });
});
