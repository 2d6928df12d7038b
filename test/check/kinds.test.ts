// The kind table: every resource a manifest-form rule selects is known, mappings are unique, and the fallback is kubectl's.
import { guessResource, knownKinds, resolveKind, splitApiVersion } from '../../src/kubernetes/kinds.js';
import { RULES, requestRules } from '../../src/rules/catalog.js';

describe('kinds', () => {
  test('every resource of a rule that a manifest can stand for (no subresource, CREATE or UPDATE) has a known kind', () => {
    const known = new Set(knownKinds().map((k) => `${k.group}/${k.resource}`));
    const needed = requestRules(RULES)
      .filter((r) => r.match.operations.some((op) => op === 'CREATE' || op === 'UPDATE'))
      .flatMap((r) => r.match.apiGroups.flatMap((g) => r.match.resources.filter((res) => !res.includes('/')).map((res) => `${g}/${res}`)));
    expect(needed.length).toBeGreaterThan(0);
    for (const key of needed) expect(known).toContain(key);
  });

  test('each group/kind maps to one resource and each group/resource to one kind', () => {
    const kinds = knownKinds();
    expect(new Set(kinds.map((k) => `${k.group}/${k.kind}`)).size).toBe(kinds.length);
    expect(new Set(kinds.map((k) => `${k.group}/${k.resource}`)).size).toBe(kinds.length);
  });

  test('apiVersion splits into group and version', () => {
    expect(splitApiVersion('v1')).toEqual({ group: '', version: 'v1' });
    expect(splitApiVersion('apps/v1')).toEqual({ group: 'apps', version: 'v1' });
    expect(splitApiVersion('rbac.authorization.k8s.io/v1')).toEqual({ group: 'rbac.authorization.k8s.io', version: 'v1' });
  });

  test('known and guessed kinds', () => {
    expect(resolveKind('networking.k8s.io/v1', 'Ingress')).toEqual({ group: 'networking.k8s.io', version: 'v1', resource: 'ingresses', namespaced: true, known: true });
    expect(resolveKind('v1', 'Node')).toMatchObject({ resource: 'nodes', namespaced: false, known: true });
    // Kind is case-sensitive, like the API server: `service` is not Service.
    expect(resolveKind('v1', 'service').known).toBe(false);
    // Exactly kubectl's UnsafeGuessKindToResource, naive plural included (Gateway → gatewaies).
    expect(['Gateway', 'Ingress', 'Policy', 'X'].map(guessResource)).toEqual(['gatewaies', 'ingresses', 'policies', 'xs']);
  });
});
