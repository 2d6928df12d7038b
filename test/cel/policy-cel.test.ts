// The policy's parts in CEL (namespaceActions, exemption blocks) against the engine on random requests: the same answer every time.
import fc from 'fast-check';
import { exemptionCel } from '../../src/cel/exemption-cel.js';
import { globRe2 } from '../../src/cel/glob-cel.js';
import { namespaceActionCel } from '../../src/cel/namespace-cel.js';
import { exemptionFor } from '../../src/engine/exemption.js';
import type { Subject } from '../../src/engine/finding.js';
import { actionIn } from '../../src/engine/namespace-action.js';
import type { Action, Exemptions, RulePolicy } from '../../src/engine/policy.js';
import { emptyExemptions } from '../../src/engine/policy.js';
import { celValue, evaluateCel } from './cel-evaluation.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Small alphabets so that patterns and values meet often; line terminators and astral characters where engines may differ. */
const name = fc.array(fc.constantFrom('a', 'b', '-', '.', 'é', '😀', '\n', '\u2028', '+'), { maxLength: 4 }).map((p) => p.join(''));
const pattern = fc.array(fc.constantFrom('a', 'b', '-', '.', '*', 'é', '+'), { minLength: 1, maxLength: 4 }).map((p) => p.join(''));
const action = fc.constantFrom<Action>('deny', 'warn', 'record', 'off');

const rulePolicy = fc.record({
  action,
  namespaceActions: fc.array(fc.record({ pattern, action }), { maxLength: 4 }),
});

test('namespaceActionCel is true exactly where actionIn gives a wanted action (first match wins)', () => {
  fc.assert(
    fc.property(rulePolicy, fc.option(name, { nil: undefined }), fc.constantFrom<Action>('deny', 'warn'), (rule, namespace, wanted) => {
      const cel = namespaceActionCel({ ...rule, exemptions: [] } as RulePolicy, (a) => a === wanted).text;
      const request: Json = namespace === undefined ? {} : { namespace };
      const expected = actionIn({ ...rule, exemptions: [] } as RulePolicy, namespace ?? '') === wanted;
      return evaluateCel(cel, { request: celValue(request) }) === expected;
    }),
    { numRuns: 300 },
  );
});

const labels = fc.dictionary(fc.constantFrom('app', 'team', 'riskgate.io/ok'), fc.constantFrom('x', 'y'), { maxKeys: 2 });
const serviceAccount = fc.tuple(pattern.filter((p) => !p.includes(':')), pattern).map(([ns, sa]) => `${ns}:${sa}`);
const block = fc.record({
  namespaces: fc.array(pattern, { maxLength: 2 }),
  users: fc.array(pattern, { maxLength: 2 }),
  groups: fc.array(pattern, { maxLength: 2 }),
  serviceAccounts: fc.array(serviceAccount, { maxLength: 2 }),
  labels,
});
const username = fc.oneof(name, fc.tuple(name, name).map(([ns, sa]) => `system:serviceaccount:${ns}:${sa}`), fc.constant('system:serviceaccount:a:b:c'));
const objectOf = (l: Record<string, string> | null): Json => (l === null ? { spec: {} } : { metadata: { labels: l } });
const request = fc.record({
  namespace: fc.option(name, { nil: undefined }),
  username,
  groups: fc.array(name, { maxLength: 3 }),
  object: fc.option(labels, { nil: null }),
  oldObject: fc.oneof(fc.constant(undefined), fc.option(labels, { nil: null })),
});

test('exemptionCel is true exactly for the requests exemptionFor exempts (labels on the old object too)', () => {
  fc.assert(
    fc.property(block, request, (b, r) => {
      const exemptions: Exemptions = { ...emptyExemptions(), ...b };
      const subject: Subject = { namespace: r.namespace ?? '', username: r.username, groups: r.groups };
      if (r.object !== null) subject.labels = r.object;
      if (r.oldObject !== undefined) subject.oldLabels = r.oldObject ?? {};
      const expected = exemptionFor(subject, exemptions) !== undefined;
      const variables = {
        request: celValue({ ...(r.namespace === undefined ? {} : { namespace: r.namespace }), userInfo: { username: r.username, groups: r.groups } }),
        object: celValue(objectOf(r.object)),
        oldObject: celValue(r.oldObject === undefined ? null : objectOf(r.oldObject)),
      };
      return evaluateCel(exemptionCel(exemptions).text, variables) === expected;
    }),
    { numRuns: 300 },
  );
});

test('glob patterns as RE2: * spans any characters, line terminators included (as the engine glob); RE2 metacharacters are literal', () => {
  expect(globRe2('prod-*')).toBe('^prod-(?s:.*)$');
  expect(globRe2('a.b+(c)')).toBe('^a\\.b\\+\\(c\\)$');
});
