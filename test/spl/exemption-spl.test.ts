// Exemption compilation cases: each policy exemption kind and the NOT clause it adds to a rule's base search.
import { parsePolicy } from '../../src/engine/policy-file.js';
import { RULES, findRule } from '../../src/rules/catalog.js';
import type { RequestRule } from '../../src/rules/rule.js';
import { exemptionTerms } from '../../src/spl/exemption-spl.js';

function policy(yaml: string) {
  return parsePolicy(`apiVersion: riskgate.io/v1\nkind: Policy\n${yaml}`, 'case.yaml', RULES);
}

const CREATE_RULE = 'kubernetes-node-port-creation';
const UPDATE_RULE = 'kubernetes-node-port-update';
const BOTH_RULE = 'kubernetes-load-balancer-node-ports';
const CONNECT_RULE = 'kubernetes-shell-exec-into-pod';

const CASES: Array<[string, string, string, string[]]> = [
  ['no exemptions', '', CREATE_RULE, []],
  ['one namespace', 'exemptions: {namespaces: [kube-system]}', CREATE_RULE, ['NOT objectRef.namespace=kube-system']],
  ['namespaces with a wildcard', 'exemptions: {namespaces: [kube-system, "ci-*"]}', CREATE_RULE, ['NOT (objectRef.namespace IN (kube-system, ci-*))']],
  [
    'a user: the impersonated identity when there is one, else the authenticated one',
    'exemptions: {users: [alice]}',
    CREATE_RULE,
    ['NOT impersonatedUser.username=alice', 'NOT (user.username=alice NOT impersonatedUser.username=*)'],
  ],
  [
    'service accounts become system:serviceaccount usernames, with users',
    'exemptions: {users: [alice], serviceAccounts: ["ci:deployer", "argo:*"]}',
    CREATE_RULE,
    [
      'NOT (impersonatedUser.username IN (alice, system:serviceaccount:ci:deployer, system:serviceaccount:argo:*))',
      'NOT (user.username IN (alice, system:serviceaccount:ci:deployer, system:serviceaccount:argo:*) NOT impersonatedUser.username=*)',
    ],
  ],
  ['groups', 'exemptions: {groups: ["system:masters"]}', CREATE_RULE, ['NOT impersonatedUser.groups{}=system:masters', 'NOT (user.groups{}=system:masters NOT impersonatedUser.username=*)']],
  [
    'policy-wide and per-rule exemptions add up',
    `exemptions: {namespaces: [kube-system]}\nrules:\n  ${CREATE_RULE}:\n    exemptions: {namespaces: [monitoring]}`,
    CREATE_RULE,
    ['NOT (objectRef.namespace IN (kube-system, monitoring))'],
  ],
  ['another rule\'s exemptions do not apply', `rules:\n  ${UPDATE_RULE}:\n    exemptions: {users: [bob]}`, CREATE_RULE, []],
  ['labels on a create rule: the request body carries them', 'exemptions: {labels: {team: sre, tier: "1"}}', CREATE_RULE, ['NOT (requestObject.metadata.labels.team=sre requestObject.metadata.labels.tier=1)']],
  [
    'labels on an update rule: a patch that leaves them in place on the stored object',
    'exemptions: {labels: {"app.kubernetes.io/managed-by": helm}}',
    UPDATE_RULE,
    ['NOT (verb=patch "responseObject.metadata.labels.app.kubernetes.io/managed-by"=helm NOT "requestObject.metadata.labels.app.kubernetes.io/managed-by"=*)'],
  ],
  [
    'labels on a create+update rule: both branches',
    `rules:\n  ${BOTH_RULE}:\n    exemptions: {labels: {team: sre}}`,
    BOTH_RULE,
    ['NOT ((verb=create requestObject.metadata.labels.team=sre) OR (verb=patch responseObject.metadata.labels.team=sre NOT requestObject.metadata.labels.team=*))'],
  ],
  ['labels never exempt exec/attach (PodExecOptions has no labels)', 'exemptions: {labels: {team: sre}}', CONNECT_RULE, []],
  ['values that need quotes are quoted', 'exemptions: {users: ["CN=ops team"]}', CREATE_RULE, ['NOT impersonatedUser.username="CN=ops team"', 'NOT (user.username="CN=ops team" NOT impersonatedUser.username=*)']],
];

describe('exemption clauses', () => {
  test.each(CASES)('%s', (_title, yaml, ruleId, expected) => {
    expect(exemptionTerms(findRule(ruleId) as RequestRule, policy(yaml))).toEqual(expected);
  });
});
