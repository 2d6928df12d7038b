// Replay's memory of stored objects: what it remembers, what makes it forget, and its cap (least recently used out).
import type { AuditEvent } from '../../src/kubernetes/audit-event.js';
import { ObjectMemory, rememberedResources } from '../../src/replay/object-memory.js';
import type { JsonObject } from '../../src/request/json-value.js';
import { RULES } from '../../src/rules/catalog.js';

const service = (name: string, version = '1'): JsonObject => ({
  kind: 'Service',
  apiVersion: 'v1',
  metadata: { name, namespace: 'shop', resourceVersion: version, managedFields: [{ manager: 'kubectl' }] },
  spec: { type: 'ClusterIP' },
});
const status = (code: number): JsonObject => ({ kind: 'Status', apiVersion: 'v1', code });

function event(verb: string, name: string, code: number, response?: JsonObject, extra: Partial<AuditEvent> = {}): AuditEvent {
  return {
    kind: 'Event',
    auditID: `${verb}-${name}-${code}`,
    stage: 'ResponseComplete',
    verb,
    requestURI: `/api/v1/namespaces/shop/services/${name}`,
    objectRef: { resource: 'services', namespace: 'shop', name, apiVersion: 'v1' },
    responseStatus: { code },
    ...(response ? { responseObject: response } : {}),
    ...extra,
  };
}
const patchOf = (name: string) => event('patch', name, 403, status(403));

test('remembers the resources some rule judges on UPDATE: Services and DaemonSets', () => {
  expect([...rememberedResources(RULES)].sort()).toEqual(['/services', 'apps/daemonsets']);
  const memory = new ObjectMemory(rememberedResources(RULES));
  expect(memory.wantsReads('', 'services')).toBe(true);
  expect(memory.wantsReads('', 'pods')).toBe(false);
});

describe('what it remembers', () => {
  const memory = () => new ObjectMemory(rememberedResources(RULES));

  test.each(['create', 'update', 'patch', 'get'])('the response of a successful %s, without managedFields, for a later update or patch', (verb) => {
    const m = memory();
    m.observe(event(verb, 'web', verb === 'create' ? 201 : 200, service('web')));
    const { managedFields: _gone, ...metadata } = service('web')['metadata'] as JsonObject;
    expect(m.recall(patchOf('web'))).toEqual({ ...service('web'), metadata });
    expect(m.recall(event('update', 'web', 403, status(403)))).toBeDefined();
    expect(m.recall(event('get', 'web', 200))).toBeUndefined();
  });

  test('a create named by generateName is remembered under the name in its response', () => {
    const m = memory();
    m.observe({ ...event('create', '', 201, service('web-x7k2q')), objectRef: { resource: 'services', namespace: 'shop', apiVersion: 'v1' } });
    expect(m.recall(patchOf('web-x7k2q'))).toBeDefined();
  });

  test('a status update stores the whole object too; a recall hands out a copy', () => {
    const m = memory();
    m.observe({ ...event('update', 'web', 200, service('web', '7')), objectRef: { resource: 'services', namespace: 'shop', name: 'web', subresource: 'status' } });
    const first = m.recall(patchOf('web'))!;
    (first['spec'] as JsonObject)['type'] = 'NodePort';
    expect(m.recall(patchOf('web'))).toMatchObject({ metadata: { resourceVersion: '7' }, spec: { type: 'ClusterIP' } });
  });

  test('nothing from a dry run, a failure, another resource or another subresource', () => {
    const m = memory();
    m.observe(event('create', 'a', 201, service('a'), { requestURI: '/api/v1/namespaces/shop/services?dryRun=All' }));
    m.observe(event('patch', 'b', 422, status(422)));
    m.observe({ ...event('create', 'c', 201, service('c')), objectRef: { resource: 'pods', namespace: 'shop', name: 'c' } });
    m.observe({ ...event('get', 'd', 200, service('d')), objectRef: { resource: 'services', namespace: 'shop', name: 'd', subresource: 'proxy' } });
    for (const name of ['a', 'b', 'c', 'd']) expect(m.recall(patchOf(name))).toBeUndefined();
  });
});

describe('what makes it forget', () => {
  const remembering = () => {
    const m = new ObjectMemory(rememberedResources(RULES));
    m.observe(event('create', 'web', 201, service('web')));
    return m;
  };

  test.each([
    ['a successful delete', event('delete', 'web', 200, status(200))],
    ['a successful patch whose result the log does not hold (Request or Metadata level)', event('patch', 'web', 200)],
    ['a successful update whose result the log does not hold', event('update', 'web', 200)],
    ['a 404 (the object is gone)', event('get', 'web', 404, status(404))],
    ['a successful deletecollection in its namespace', { ...event('deletecollection', '', 200), objectRef: { resource: 'services', namespace: 'shop' } }],
  ])('%s', (_name, forgetting) => {
    const m = remembering();
    m.observe(forgetting);
    expect(m.recall(patchOf('web'))).toBeUndefined();
  });

  test('a denied patch, a failed delete or a deletecollection elsewhere do not', () => {
    const m = remembering();
    m.observe(patchOf('web'));
    m.observe(event('delete', 'web', 403, status(403)));
    m.observe({ ...event('deletecollection', '', 200), objectRef: { resource: 'services', namespace: 'other' } });
    expect(m.recall(patchOf('web'))).toBeDefined();
  });
});

test('past its cap it drops the least recently used object and counts it', () => {
  const m = new ObjectMemory(rememberedResources(RULES), 2);
  m.observe(event('create', 'a', 201, service('a')));
  m.observe(event('create', 'b', 201, service('b')));
  expect(m.recall(patchOf('a'))).toBeDefined();
  m.observe(event('create', 'c', 201, service('c')));
  expect(m.evicted).toBe(1);
  expect(m.recall(patchOf('b'))).toBeUndefined();
  expect(m.recall(patchOf('a'))).toBeDefined();
  expect(m.recall(patchOf('c'))).toBeDefined();
});
