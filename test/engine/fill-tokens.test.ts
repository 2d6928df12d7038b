// Summary and risk-message templates: `$field$` tokens filled from a finding's result row, each template cut once and reused.
import { fillTokens } from '../../src/engine/finding.js';

const row = { user: 'admin', user_groups: ['system:authenticated', 'system:masters'], kind: 'Service', name: 'np-svc', empty: '' };

const cases: Array<[string, string, string]> = [
  ['no token', 'Kubernetes node port creation', 'Kubernetes node port creation'],
  ['token at both ends', '$user$ created $kind$', 'admin created Service'],
  ['adjacent tokens', '$kind$$name$', 'Servicenp-svc'],
  ['multivalue joined with ", "', 'groups: $user_groups$', 'groups: system:authenticated, system:masters'],
  ['missing field', 'from $src_ip$ by $user$', 'from unknown by admin'],
  ['empty value kept empty', '[$empty$]', '[]'],
  ['a lone or unclosed dollar is text', 'costs $5 and $user', 'costs $5 and $user'],
  ['dotted token names', 'node $object.spec.nodeName$', 'node unknown'],
  ['the same token twice', '$name$/$name$', 'np-svc/np-svc'],
];

describe('fillTokens', () => {
  test.each(cases)('%s', (_name, template, expected) => {
    expect(fillTokens(template, row)).toBe(expected);
  });

  test('a template reused with another row gets that row\'s values', () => {
    const template = 'Kubernetes node port creation from user $user$';
    expect(fillTokens(template, row)).toBe('Kubernetes node port creation from user admin');
    expect(fillTokens(template, { user: 'eve' })).toBe('Kubernetes node port creation from user eve');
    expect(fillTokens(template, {})).toBe('Kubernetes node port creation from user unknown');
  });
});
