// Random condition trees on random requests: the compiled CEL never errors, is true whenever the evaluator is, and equal to it when exact.
import fc from 'fast-check';
import { conditionCel } from '../../src/cel/condition-cel.js';
import { evaluateCondition } from '../../src/engine/match.js';
import { fromAdmissionReview } from '../../src/request/from-admission-review.js';
import type { Condition, Scalar } from '../../src/rules/rule.js';
import { celVariables, evaluateCel, unguardedHas } from './cel-evaluation.js';

const SCALARS: Scalar[] = ['a', 'b', '', 'a/b', 'a😀b', 'sh\n', 1, 2, 1.5, true, false];
const PATHS = [
  'object.a', 'object.b', 'object.l[*]', 'object.l[*].a', 'object.l[0].a', 'object.l[1]', 'object.m.x-y', 'object.m.in',
  'object.l[*].l[*]', 'object', 'oldObject.a', 'oldObject.l[*].a', 'request.subResource', 'request.name', 'request.groups[*]',
  'request.operation', 'request.nothing',
];
const CHANGE_PATHS = ['object.a', 'object.l', 'object.l[*]', 'object.l[*].a', 'object.l[0]', 'object.m', 'object.l[*].l[*]', 'object'];
const PATTERNS = ['^a', 'a$', '^(.*/)?a$', '[ab]+', '\\d', '^.{2}$', 'a.b', '(?=a)', '[^/]*$', ''];

const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ field: fc.constantFrom(...PATHS), equals: fc.constantFrom(...SCALARS) }),
  fc.record({ field: fc.constantFrom(...PATHS), notEquals: fc.constantFrom(...SCALARS) }),
  fc.record({ field: fc.constantFrom(...PATHS), in: fc.array(fc.constantFrom(...SCALARS), { maxLength: 3 }) }),
  fc.record({ field: fc.constantFrom(...PATHS), matches: fc.constantFrom(...PATTERNS) }),
  fc.record({ field: fc.constantFrom(...PATHS), exists: fc.boolean() }),
  fc.record({ field: fc.constantFrom(...CHANGE_PATHS), addedValues: fc.constant(true as const) }),
  fc.record({ field: fc.constantFrom(...CHANGE_PATHS), changed: fc.constant(true as const) }),
);

const condition: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ allOf: fc.array(tie('c'), { maxLength: 3 }) }),
    fc.record({ anyOf: fc.array(tie('c'), { maxLength: 3 }) }),
    fc.record({ not: tie('c') }),
  ),
})).c;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const KEYS = ['a', 'b', 'l', 'm', 'x-y', 'in'];
const value: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom<Json>(...(SCALARS as Json[]), null),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 4 }),
  ),
})).v;
const object = fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 5 });
/** Often an object close to the other one, so addedValues and changed see equal and different values. */
const objects = fc.oneof(
  fc.tuple(object, object),
  fc.tuple(object, fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 2 })).map(([o, extra]) => [o, { ...o, ...extra }] as const),
);

const body = fc
  .record({
    operation: fc.constantFrom('CREATE', 'UPDATE', 'DELETE', 'CONNECT'),
    subResource: fc.option(fc.constantFrom('exec', 'status', 'a'), { nil: undefined }),
    name: fc.option(fc.constantFrom('n', 'a'), { nil: undefined }),
    groups: fc.option(fc.array(fc.constantFrom('a', 'b', 'system:masters'), { maxLength: 2 }), { nil: undefined }),
    objects,
  })
  .map(({ operation, subResource, name, groups, objects: [now, before] }) => ({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: JSON.parse(
      JSON.stringify({
        uid: 'u-1',
        kind: { group: '', version: 'v1', kind: 'K' },
        resource: { group: '', version: 'v1', resource: 'things' },
        subResource,
        name,
        operation,
        userInfo: { username: 'dev', groups },
        object: operation === 'DELETE' ? undefined : now,
        oldObject: operation === 'CREATE' ? undefined : before,
      }),
    ) as Json,
  }));

describe('random conditions on random requests', () => {
  test('the CEL is a bool, true whenever the evaluator is, and equal to it when exact', () => {
    fc.assert(
      fc.property(condition, body, (c, b) => {
        const { cel, exact } = conditionCel(c);
        const found = evaluateCondition(c, fromAdmissionReview(b).request);
        const value = evaluateCel(cel.text, celVariables(b));
        if (typeof value !== 'boolean' || unguardedHas(cel.text).length > 0) return false;
        return exact ? value === found : value || !found;
      }),
      { numRuns: 3000 },
    );
  });

  test('most random conditions compile exactly', () => {
    const exact = fc.sample(condition, { numRuns: 500, seed: 11 }).filter((c) => conditionCel(c).exact).length;
    expect(exact).toBeGreaterThan(300);
  });
});
