// Which exemption a finding is named exempt by when several kinds of one block match: the first in a fixed order.
import { exemptionFor } from '../../src/engine/exemption.js';
import type { Subject } from '../../src/engine/finding.js';
import { emptyExemptions } from '../../src/engine/policy.js';
import type { Exemptions } from '../../src/engine/policy.js';

const subject: Subject = {
  namespace: 'team-a',
  username: 'system:serviceaccount:team-a:deployer',
  groups: ['system:authenticated', 'system:serviceaccounts', 'platform-admins'],
  labels: { 'riskgate.io/approved': 'platform-team' },
  namespaceLabels: { tier: 'platform' },
};

const everything: Partial<Exemptions> = {
  namespaces: ['team-*'],
  users: ['system:serviceaccount:team-a:*'],
  groups: ['nobody', 'platform-*', 'system:serviceaccounts'],
  serviceAccounts: ['team-a:deployer'],
  labels: { 'riskgate.io/approved': 'platform-team' },
  namespaceLabels: { tier: 'platform' },
};

/** Each kind taken out in turn, the next one in the order is named. */
const cases: Array<[string, Array<keyof Exemptions>, string | undefined]> = [
  ['all match', [], 'namespace=team-*'],
  ['no namespace', ['namespaces'], 'user=system:serviceaccount:team-a:*'],
  ['no user: the first group of the subject that a pattern matches', ['namespaces', 'users'], 'group=system:serviceaccounts'],
  ['no group', ['namespaces', 'users', 'groups'], 'serviceAccount=team-a:deployer'],
  ['labels', ['namespaces', 'users', 'groups', 'serviceAccounts'], 'labels=riskgate.io/approved:platform-team'],
  ['namespace labels last', ['namespaces', 'users', 'groups', 'serviceAccounts', 'labels'], 'namespaceLabels=tier:platform'],
  ['none left', ['namespaces', 'users', 'groups', 'serviceAccounts', 'labels', 'namespaceLabels'], undefined],
];

test.each(cases)('%s', (_name, without, expected) => {
  const exemptions = { ...emptyExemptions(), ...everything };
  for (const kind of without) exemptions[kind] = emptyExemptions()[kind] as never;
  expect(exemptionFor(subject, exemptions)).toBe(expected);
});
