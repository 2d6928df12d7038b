// Audit event → ResourceRequest: verbs, CONNECT options from the requestURI, patch bodies, impersonation, dry runs, and errors naming file:line and field.
import { readFileSync } from 'node:fs';
import { DecodeError } from '../../src/request/decode-error.js';
import { connectOptionsOf, fromAuditEvent, operationOf } from '../../src/request/from-audit-event.js';
import type { JsonObject } from '../../src/request/json-value.js';
import { prePatchObject } from '../../src/request/pre-patch-object.js';
import { fixturePath, readJson } from '../fixture-path.js';

function falco(name: string): JsonObject {
  return readJson(fixturePath('audit', 'falco-2018', `${name}.json`)) as JsonObject;
}

function v132Line(n: number): JsonObject {
  return JSON.parse(readFileSync(fixturePath('kube-apiserver-v1.32', 'audit.log.jsonl'), 'utf8').split('\n')[n - 1]!) as JsonObject;
}

function synthetic(file: string, n: number): JsonObject {
  return JSON.parse(readFileSync(fixturePath('audit', 'synthetic', file), 'utf8').split('\n')[n - 1]!) as JsonObject;
}

describe('operations', () => {
  test.each<[string, string, string | undefined]>([
    ['create', '', 'CREATE'],
    ['update', '', 'UPDATE'],
    ['patch', '', 'UPDATE'],
    ['delete', '', 'DELETE'],
    ['deletecollection', '', 'DELETE'],
    ['get', '', undefined],
    ['list', '', undefined],
    ['watch', '', undefined],
    ['create', 'exec', 'CONNECT'],
    ['get', 'exec', 'CONNECT'],
    ['create', 'attach', 'CONNECT'],
    ['get', 'portforward', 'CONNECT'],
    ['patch', 'status', 'UPDATE'],
    ['create', 'eviction', 'CREATE'],
  ])('verb %s on subresource "%s" → %s', (verb, sub, op) => {
    expect(operationOf(verb, sub)).toBe(op);
  });
});

describe('real events', () => {
  test('falco 2018 NodePort create (no apiVersion, no userAgent): the request object, the client IP, core group', () => {
    const r = fromAuditEvent(falco('create_nginx_service_nodeport'), 'f:1')!;
    expect(r).toMatchObject({
      source: 'audit', uid: 'ceba9ec7-50b5-4bde-8b27-5909df9b35c9', operation: 'CREATE', group: '', version: 'v1', resource: 'services',
      subResource: '', kind: 'Service', namespace: 'default', name: 'nginx', user: { username: 'minikube-user', groups: ['system:masters', 'system:authenticated'] },
      oldObject: null, dryRun: false, sourceIPs: ['192.168.99.1'], userAgent: '',
    });
    expect((r.object!['spec'] as JsonObject)['type']).toBe('NodePort');
  });

  test('falco 2018 exec: PodExecOptions rebuilt from ?command=bash&container=nginx1&container=nginx1&stdin=true&stdout=true&tty=true', () => {
    const r = fromAuditEvent(falco('exec_pod'), 'f:1')!;
    expect(r).toMatchObject({ operation: 'CONNECT', resource: 'pods', subResource: 'exec', kind: 'PodExecOptions' });
    expect(r.object).toEqual({ kind: 'PodExecOptions', apiVersion: 'v1', command: ['bash'], container: 'nginx1', stdin: true, stdout: true, tty: true });
  });

  test('falco 2018 attach: PodAttachOptions, no command', () => {
    expect(fromAuditEvent(falco('attach_pod'), 'f:1')!.object).toEqual({ kind: 'PodAttachOptions', apiVersion: 'v1', container: 'nginx1', stdin: true, stdout: true, stderr: true });
  });

  test('v1.32 exec over WebSocket (verb get) and SPDY (verb create) both become the CONNECT admission saw (capture 011)', () => {
    const admission = (readJson(fixturePath('kube-apiserver-v1.32', 'admissionreview', '011-PodExecOptions-CONNECT-shell-target.request.json')) as { request: { object: JsonObject } }).request.object;
    for (const line of [23, 25]) {
      const r = fromAuditEvent(v132Line(line), 'a:1')!;
      expect(r.operation).toBe('CONNECT');
      expect(r.object).toEqual(admission);
    }
  });

  test('v1.32 kubectl patch ClusterIP→NodePort denied (403): the response is a Status, so object = the patch, old object unknown', () => {
    const r = fromAuditEvent(v132Line(7), 'a:7')!;
    // No body names the kind: it comes from the resource, as admission would name it.
    expect(r).toMatchObject({ operation: 'UPDATE', kind: 'Service', object: { spec: { type: 'NodePort' } }, oldObject: {} });
  });

  test('a Metadata-level event (no bodies) still names the kind from the resource', () => {
    expect(fromAuditEvent(synthetic('daemonset-create-levels.jsonl', 1), 's:1')).toMatchObject({ kind: 'DaemonSet', object: null });
  });

  test('v1.32 kubectl label on a DaemonSet: object = the stored result, old object = the result without the patched label', () => {
    const r = fromAuditEvent(v132Line(15), 'a:15')!;
    expect(r.kind).toBe('DaemonSet');
    expect((r.object!['metadata'] as JsonObject)['labels']).toEqual({ app: 'node-agent', tier: 'infra' });
    expect((r.oldObject!['metadata'] as JsonObject)['labels']).toEqual({ app: 'node-agent' });
    expect(r.oldObject!['spec']).toEqual(r.object!['spec']);
  });

  test('v1.32 dry-run create (?dryRun=All) is a dry run', () => {
    expect(fromAuditEvent(v132Line(8), 'a:8')!.dryRun).toBe(true);
    expect(fromAuditEvent(v132Line(3), 'a:3')!.dryRun).toBe(false);
  });

  test('reads (get, list) are not admission requests', () => {
    expect(fromAuditEvent(v132Line(1), 'a:1')).toBeUndefined();
    expect(fromAuditEvent(v132Line(26), 'a:26')).toBeUndefined();
  });

  test('impersonation: admission saw the impersonated user and groups', () => {
    const r = fromAuditEvent(synthetic('daemonset-create-impersonated.jsonl', 1), 's:1')!;
    expect(r.user).toEqual({ username: 'bob', groups: ['system:authenticated', 'team-a'] });
  });

  test('delete: no object, the deleted object as oldObject', () => {
    const r = fromAuditEvent(synthetic('daemonset-replace-and-delete.jsonl', 2), 's:2')!;
    expect(r).toMatchObject({ operation: 'DELETE', object: null, kind: 'DaemonSet' });
    expect((r.oldObject!['metadata'] as JsonObject)['name']).toBe('node-exporter');
  });

  test('update (PUT): the full request object, old object unknown ({}), so label exemptions need both sides', () => {
    const r = fromAuditEvent(synthetic('daemonset-replace-and-delete.jsonl', 1), 's:1')!;
    expect(r).toMatchObject({ operation: 'UPDATE', kind: 'DaemonSet', oldObject: {} });
  });
});

describe('pre-patch object', () => {
  const after: JsonObject = { metadata: { labels: { a: '1', b: '2' } }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }], template: { spec: { image: 'x' } } } };

  test.each<[string, JsonObject | JsonObject[], JsonObject]>([
    ['merge patch of one label', { metadata: { labels: { b: '3' } } }, { metadata: { labels: { a: '1' } }, spec: after['spec'] as JsonObject }],
    ['merge patch deleting a label (null)', { metadata: { labels: { a: null } } }, { metadata: { labels: { b: '2' } }, spec: after['spec'] as JsonObject }],
    ['a list is replaced as a whole', { spec: { ports: [{ port: 81 }] } }, { metadata: after['metadata'] as JsonObject, spec: { type: 'NodePort', template: { spec: { image: 'x' } } } }],
    ['$setElementOrder names the list it reorders', { spec: { '$setElementOrder/ports': [{ port: 80 }] } }, { metadata: after['metadata'] as JsonObject, spec: { type: 'NodePort', template: { spec: { image: 'x' } } } }],
    ['$retainKeys rewrites the whole object', { spec: { $retainKeys: ['type'], type: 'ClusterIP' } }, { metadata: after['metadata'] as JsonObject }],
    ['JSON patch replaces inside a list: the list is unknown', [{ op: 'replace', path: '/spec/ports/0/nodePort', value: 30081 }], { metadata: after['metadata'] as JsonObject, spec: { type: 'NodePort', template: { spec: { image: 'x' } } } }],
    ['JSON patch of one label', [{ op: 'add', path: '/metadata/labels/a', value: 'z' }], { metadata: { labels: { b: '2' } }, spec: after['spec'] as JsonObject }],
    ['JSON patch of the whole document', [{ op: 'replace', path: '', value: {} }], {}],
  ])('%s', (_t, patch, before) => {
    expect(prePatchObject(after, patch)).toEqual(before);
    expect(after['spec']).toHaveProperty('ports');
  });
});

test('JSON pointer escapes: ~1 is /, ~0 is ~', () => {
  const labels = { 'app.kubernetes.io/name': 'x', 'a~b': 'y', c: 'z' };
  const patch = [{ op: 'remove', path: '/metadata/labels/app.kubernetes.io~1name' }, { op: 'remove', path: '/metadata/labels/a~0b' }];
  expect(prePatchObject({ metadata: { labels } }, patch)).toEqual({ metadata: { labels: { c: 'z' } } });
});

describe('bad events name file:line and the field', () => {
  test.each<[string, unknown, string]>([
    ['not an object', [1, 2], 'logs/audit.log:7: is not a JSON object (an audit event)'],
    ['no auditID', { kind: 'Event', stage: 'ResponseComplete', verb: 'create' }, 'logs/audit.log:7: auditID is required'],
    ['wrong kind', { kind: 'Pod', auditID: 'x', stage: 'ResponseComplete', verb: 'create' }, 'logs/audit.log:7: kind must be "Event"'],
    ['unknown apiVersion', { kind: 'Event', apiVersion: 'audit.k8s.io/v2', auditID: 'x', stage: 'ResponseComplete', verb: 'create' }, 'logs/audit.log:7: apiVersion must be one of "audit.k8s.io/v1", "audit.k8s.io/v1beta1"'],
    ['groups not strings', { kind: 'Event', auditID: 'x', stage: 'ResponseComplete', verb: 'create', user: { groups: [1] } }, 'logs/audit.log:7: user.groups.0 must be string'],
  ])('%s', (_t, value, message) => {
    expect(() => fromAuditEvent(value, 'logs/audit.log:7')).toThrow(DecodeError);
    expect(() => fromAuditEvent(value, 'logs/audit.log:7')).toThrow(message);
  });

  test('v1beta1 events are read like v1', () => {
    expect(fromAuditEvent(falco('create_nginx_service_nonodeport'), 'f:1')).toMatchObject({ operation: 'CREATE', kind: 'Service' });
  });

  test('connectOptionsOf reads booleans as the API server does (only absent, 0 and false are false)', () => {
    const options = connectOptionsOf('exec', new URLSearchParams('command=%2Fbin%2Fsh&command=-c&command=echo+hi&stdin=&tty=FALSE&stdout=0&stderr=1'));
    expect(options).toEqual({ kind: 'PodExecOptions', apiVersion: 'v1', command: ['/bin/sh', '-c', 'echo hi'], stdin: true, stderr: true });
  });
});
