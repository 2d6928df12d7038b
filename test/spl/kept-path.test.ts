// A kept path: the unit a patch writes (keys up to the first list), the JSON pointers that write it, and its eval flag run over patch bodies.
import type { JsonObject } from '../../src/request/json-value.js';
import { eventFieldReader } from '../../src/replay/event-fields.js';
import { defaultPolicy } from '../../src/engine/policy.js';
import { RULES, findRule } from '../../src/rules/catalog.js';
import type { RequestRule } from '../../src/rules/rule.js';
import { keptAssignments, keptPathOf, pointerRegex } from '../../src/spl/kept-path.js';
import { planSearch } from '../../src/spl/search-plan.js';
import type { FieldReader } from '../../src/replay/stats-table.js';
import { evalExpression, spathValues, storedValues } from './spl-subset.js';

test.each<[string, string, boolean]>([
  ['object.spec.type', 'kept_spec_type', false],
  ['oldObject.spec.ports[*].nodePort', 'kept_spec_ports', true],
  ['object.spec.ports[0]', 'kept_spec_ports', true],
  ['object.metadata.labels.app.kubernetes.io/name', 'kept_metadata_labels_app_kubernetes_io_name', false],
])('%s is kept as %s', (path, flag, list) => {
  expect(keptPathOf(path)).toMatchObject({ flag, list });
});

test.each<[string, boolean]>([
  ['', true],
  ['/', true],
  ['/spec', true],
  ['/spec/ports', true],
  ['/spec/ports/-', true],
  ['/spec/ports/0/nodePort', true],
  ['/spec/portsX', false],
  ['/spec/type', false],
  ['/metadata/labels/spec', false],
])('the pointer %j writes spec.ports: %s', (pointer, writes) => {
  expect(new RegExp(pointerRegex(['spec', 'ports'])).test(pointer)).toBe(writes);
});

test('keys with / and ~ are escaped as JSON pointers (~1, ~0), and regex characters as such', () => {
  const re = new RegExp(pointerRegex(['metadata', 'labels', 'a.b/c~d']));
  expect(re.test('/metadata/labels/a.b~1c~0d')).toBe(true);
  expect(re.test('/metadata/labels/aXb~1c~0d')).toBe(false);
});

describe('the flags over patch events', () => {
  const plan = planSearch(findRule('kubernetes-load-balancer-node-ports') as RequestRule, defaultPolicy(RULES));
  const stored = { kind: 'Service', spec: { type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30080 }] } };
  function flags(event: JsonObject): Record<string, string> {
    const extracted = eventFieldReader(plan);
    const derived = new Map<string, string[]>();
    const read: FieldReader = (e, f) => derived.get(f) ?? extracted(e, f);
    for (const { name, eval: text } of keptAssignments(plan.keptPaths)) derived.set(name, storedValues(evalExpression(text, event, read, (path) => spathValues(event, path))));
    return Object.fromEntries(plan.keptPaths.map((k) => [k.flag, derived.get(k.flag)![0]!]));
  }
  test('a JSON patch keeps every path but the ones its pointers write', () => {
    const event = { verb: 'patch', requestObject: [{ op: 'add', path: '/spec/ports/-', value: { port: 9090, nodePort: 30081 } }], responseObject: stored };
    expect(flags(event)).toMatchObject({ kept_spec_type: '1', kept_spec_ports: '0', kept_spec_externalTrafficPolicy: '1' });
  });

  test('a merge or strategic merge patch keeps every path its body does not hold (a list as a whole)', () => {
    const event = { verb: 'patch', requestObject: { spec: { externalTrafficPolicy: 'Local', ports: [{ port: 80, targetPort: 8081 }] } }, responseObject: stored };
    expect(flags(event)).toMatchObject({ kept_spec_type: '1', kept_spec_ports: '0', kept_spec_externalTrafficPolicy: '0', kept_spec_healthCheckNodePort: '1' });
  });

  test('a denied patch (a Status), a PUT and a create keep nothing: the old object is unknown', () => {
    const status = { verb: 'patch', requestObject: [{ op: 'replace', path: '/metadata/labels', value: {} }], responseObject: { kind: 'Status', code: 403 } };
    const put = { verb: 'update', requestObject: stored, responseObject: stored };
    const create = { verb: 'create', requestObject: stored, responseObject: stored };
    for (const event of [status, put, create]) expect(Object.values(flags(event))).toEqual(['0', '0', '0', '0', '0']);
  });
});
