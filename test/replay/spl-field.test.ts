// Splunk's JSON field names over raw audit events: dotted paths, `{}` arrays, keys that hold dots themselves.
import fc from 'fast-check';
import type { JsonValue } from '../../src/request/json-value.js';
import { splFieldValues } from '../../src/replay/spl-field.js';

const EVENT: JsonValue = {
  kind: 'Event',
  sourceIPs: ['10.0.0.1', '10.0.0.2'],
  user: { username: 'alice', groups: ['dev', 'system:authenticated'] },
  objectRef: { resource: 'services', name: 'web' },
  responseStatus: { code: 201 },
  annotations: { 'authorization.k8s.io/decision': 'allow', 'enforce.riskgate.io/decision': 'deny' },
  requestObject: { spec: { ports: [{ nodePort: 30080 }, { port: 80 }, { nodePort: 30443 }], empty: [], none: null } },
  // Both `a` and `a.b` exist: each contributes, in the object's key order.
  a: { b: 'nested' },
  'a.b': 'dotted',
  nested: [[1, 2], [3]],
};

describe('splFieldValues', () => {
  test.each<[string, string[]]>([
    ['kind', ['Event']],
    ['sourceIPs{}', ['10.0.0.1', '10.0.0.2']],
    ['user.groups{}', ['dev', 'system:authenticated']],
    ['responseStatus.code', ['201']],
    ['annotations.authorization.k8s.io/decision', ['allow']],
    ['annotations.enforce.riskgate.io/decision', ['deny']],
    ['requestObject.spec.ports{}.nodePort', ['30080', '30443']],
    ['requestObject.spec.empty{}', []],
    ['requestObject.spec.none', []],
    ['requestObject.spec', []],
    ['a.b', ['nested', 'dotted']],
    ['nested{}{}', ['1', '2', '3']],
    ['missing.field', []],
    ['objectRef', []],
  ])('%s → %j', (field, values) => {
    expect(splFieldValues(EVENT, field)).toEqual(values);
  });

  /** The definition: every key that prefixes the name up to `.`, `{}` or its end, in key order. */
  function reference(value: JsonValue, rest: string, out: string[] = []): string[] {
    if (rest === '') {
      if (value !== null && typeof value !== 'object') out.push(String(value));
      return out;
    }
    if (rest.startsWith('{}')) {
      if (!Array.isArray(value)) return out;
      const after = rest.slice(2);
      for (const item of value) reference(item, after.startsWith('.') ? after.slice(1) : after, out);
      return out;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return out;
    for (const key of Object.keys(value)) {
      if (!rest.startsWith(key)) continue;
      const after = rest.slice(key.length);
      if (after === '' || after.startsWith('{}')) reference(value[key]!, after, out);
      else if (after.startsWith('.')) reference(value[key]!, after.slice(1), out);
    }
    return out;
  }

  test('property: the same values as the key-by-key definition, for names built from the keys of random objects', () => {
    const key = fc.constantFrom('a', 'b', 'a.b', 'b.a', 'a.b.a', '', 'x{}', '.');
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.string({ maxLength: 2 }), fc.integer(), fc.constant(null), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
    })).value as fc.Arbitrary<JsonValue>;
    const name = fc.array(fc.constantFrom('a', 'b', 'a.b', '.', '{}', 'x'), { minLength: 1, maxLength: 5 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(json, name, (value, field) => {
        expect(splFieldValues(value, field)).toEqual(reference(value, field));
      }),
      { numRuns: 2000 },
    );
  });
});
