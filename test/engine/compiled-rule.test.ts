// The compiled request rules answer as the interpreter (match.ts) does: on every captured review, and on objects fuzzed around the paths the rules read (nulls, arrays, wrong types, missing keys).
import fc from 'fast-check';
import { compiledRequestRules } from '../../src/engine/compiled-rule.js';
import { ruleMatches } from '../../src/engine/evaluate.js';
import { resourceKey } from '../../src/engine/match.js';
import { fromAdmissionReview } from '../../src/request/from-admission-review.js';
import type { JsonObject, JsonValue } from '../../src/request/json-value.js';
import type { ResourceRequest } from '../../src/request/resource-request.js';
import { RULES } from '../../src/rules/catalog.js';
import { capturedReview } from '../fixture-path.js';
import { fuzzParams } from '../hardening/fuzz-settings.js';

const CAPTURES = ['001', '002', '003', '004', '005', '006', '007', '008', '009', '010', '011', '012'];

function verdicts(request: ResourceRequest): Array<[string, boolean, boolean]> {
  return compiledRequestRules(RULES).map(({ rule, matches }) => [rule.id, matches(request, resourceKey(request)), ruleMatches(rule, request)]);
}

function expectAlike(request: ResourceRequest): void {
  for (const [id, compiled, interpreted] of verdicts(request)) expect({ id, matches: compiled }).toEqual({ id, matches: interpreted });
}

test.each(CAPTURES)('capture %s: every rule answers as the interpreter does', (prefix) => {
  const { request } = fromAdmissionReview(capturedReview(prefix));
  expectAlike(request);
  // The captures make findings: the comparison is not between two rules that never match.
  if (prefix === '001') expect(verdicts(request).filter(([, m]) => m).map(([id]) => id)).toEqual(['kubernetes-node-port-creation']);
});

test('the list is compiled once per rule list, in catalog order, request rules only', () => {
  expect(compiledRequestRules(RULES)).toBe(compiledRequestRules(RULES));
  expect(compiledRequestRules(RULES).map((c) => c.rule.id)).toEqual(RULES.filter((r) => r.type === 'request').map((r) => r.id));
});

/** Values a hostile or odd object may hold where a rule reads a scalar. */
const oddValue: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constantFrom<JsonValue>('NodePort', 'LoadBalancer', 'ClusterIP', 'Local', 'Cluster', true, false, 0, 30080, null, '', [], {}, ['NodePort'], { type: 'NodePort' }),
  fc.string({ maxLength: 4 }),
);

const port: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.record({ port: fc.constant(80), nodePort: oddValue }, { requiredKeys: ['port'] }) as fc.Arbitrary<JsonValue>,
  oddValue,
);

const serviceSpec: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.record(
    { type: oddValue, ports: fc.oneof(fc.array(port, { maxLength: 3 }), oddValue), allocateLoadBalancerNodePorts: oddValue, externalTrafficPolicy: oddValue, healthCheckNodePort: oddValue },
    { requiredKeys: [] },
  ) as fc.Arbitrary<JsonValue>,
  oddValue,
);

const object: fc.Arbitrary<JsonObject | null> = fc.oneof(
  fc.constant(null),
  fc.record({ spec: serviceSpec, metadata: fc.constant({ name: 'x' }) }, { requiredKeys: ['metadata'] }) as fc.Arbitrary<JsonObject>,
);

test('fuzzed Services, created and updated: every rule answers as the interpreter does', () => {
  const base = fromAdmissionReview(capturedReview('003')).request;
  fc.assert(
    fc.property(fc.constantFrom<'CREATE' | 'UPDATE'>('CREATE', 'UPDATE'), object, object, (operation, after, before) => {
      expectAlike({ ...base, operation, object: after, oldObject: operation === 'UPDATE' ? before : null });
    }),
    fuzzParams(2_000),
  );
});

test('DaemonSets and exec requests, fuzzed where the rules read them: every rule answers as the interpreter does', () => {
  const daemonSet = fromAdmissionReview(capturedReview('008')).request;
  const exec = fromAdmissionReview(capturedReview('011')).request;
  fc.assert(
    fc.property(oddValue, oddValue, fc.oneof(fc.array(oddValue, { maxLength: 3 }), oddValue), (template, oldTemplate, command) => {
      const spec = (t: JsonValue): JsonObject => ({ ...(daemonSet.object!['spec'] as JsonObject), template: t });
      expectAlike({ ...daemonSet, object: { ...daemonSet.object!, spec: spec(template) }, oldObject: { ...daemonSet.oldObject!, spec: spec(oldTemplate) } });
      expectAlike({ ...daemonSet, operation: 'CREATE', object: { ...daemonSet.object!, spec: spec(template) }, oldObject: null });
      expectAlike({ ...exec, object: { ...exec.object!, command } });
    }),
    fuzzParams(1_000),
  );
});
