// Patches as data (test/cases/patches/patches.yaml): JSON, merge and strategic merge patches applied to an object, the patch type read from the body.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { JsonObject, JsonValue } from '../../src/request/json-value.js';
import { PatchError } from '../../src/request/patch-error.js';
import { patchTypeOf } from '../../src/request/patch-type.js';
import { patchedObject } from '../../src/request/patched-object.js';
import { PATCH_STRATEGIES } from '../../src/request/patch-strategies.js';
import { knownKinds } from '../../src/kubernetes/kinds.js';
import { RULES } from '../../src/rules/catalog.js';

interface PatchCase {
  name: string;
  object: JsonObject;
  patch: JsonValue;
  fieldManager: string;
  after?: JsonObject;
  refused?: string;
}
interface TypeCase {
  body: JsonValue;
  fieldManager: string;
  schema: boolean;
  type: string | null;
}
const { cases, types } = parse(readFileSync(join(process.cwd(), 'test', 'cases', 'patches', 'patches.yaml'), 'utf8')) as { cases: PatchCase[]; types: TypeCase[] };

/** The expected object: `after` laid over the object (members merged, lists and scalars replaced, null removes). */
function overlay(base: JsonValue | undefined, top: JsonValue): JsonValue {
  if (typeof top !== 'object' || top === null || Array.isArray(top)) return top;
  const out: JsonObject = typeof base === 'object' && base !== null && !Array.isArray(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(top)) {
    if (value === null) delete out[key];
    else out[key] = overlay(out[key], value);
  }
  return out;
}

describe('patches applied to an object', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const before = structuredClone(c.object);
    if (c.refused !== undefined) {
      expect(() => patchedObject(c.object, c.patch, c.fieldManager)).toThrow(PatchError);
      expect(() => patchedObject(c.object, c.patch, c.fieldManager)).toThrow(c.refused);
    } else {
      expect(patchedObject(c.object, c.patch, c.fieldManager)).toEqual(overlay(c.object, c.after!));
    }
    expect(c.object).toEqual(before);
  });

  test('no patch pollutes a prototype or gives the result one', () => {
    const service = cases[0]!.object;
    const after = patchedObject(service, JSON.parse('{"metadata":{"__proto__":{"polluted":true},"labels":{"__proto__":{"x":1}}}}') as JsonValue, 'kubectl-patch');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(after['metadata'])).toBe(Object.prototype);
    expect(Object.keys(after['metadata'] as JsonObject)).toContain('__proto__');
  });
});

describe('the patch type of an audit body', () => {
  test.each(types.map((t) => [JSON.stringify(t.body), t] as const))('%s', (_body, t) => {
    expect(patchTypeOf(t.body, t.fieldManager, t.schema) ?? null).toBe(t.type);
  });
});

describe('the strategic merge schema (src/request/patch-strategies.ts, generated from the v1.32.13 API)', () => {
  const judgedOnUpdate = RULES.flatMap((rule) =>
    rule.type === 'request' && rule.match.operations.includes('UPDATE')
      ? rule.match.resources.filter((r) => !r.includes('/')).flatMap((resource) => rule.match.apiGroups.flatMap((group) => rule.match.apiVersions.map((version) => ({ group, version, resource }))))
      : [],
  );

  const named = new Map(judgedOnUpdate.map((r) => [`${r.group || 'core'}/${r.version} ${r.resource}`, r] as const));
  test.each([...named.entries()])('%s, which a rule judges on UPDATE, has one', (_name, { group, version, resource }) => {
    const kind = knownKinds().find((k) => k.group === group && k.resource === resource)?.kind;
    expect(PATCH_STRATEGIES.roots[`${group ? `${group}/` : ''}${version}/${kind}`]).toBeDefined();
  });

  test("the lists riskgate's rules read merge by the API's keys: Service ports by port, containers by name", () => {
    expect(PATCH_STRATEGIES.types['api.core.v1.ServiceSpec']?.['ports']).toEqual({ list: 'merge', mergeKey: 'port' });
    expect(PATCH_STRATEGIES.types['api.core.v1.PodSpec']?.['containers']).toMatchObject({ list: 'merge', mergeKey: 'name' });
  });
});
