// The object's uid through every front end (admission, audit log, manifest) into the risk event's object_uid field.
import { readFileSync } from 'node:fs';
import { evaluate } from '../../src/engine/evaluate.js';
import { fromAdmissionReview } from '../../src/request/from-admission-review.js';
import { fromAuditEvent } from '../../src/request/from-audit-event.js';
import { defaultManifestOptions, fromManifest } from '../../src/request/from-manifest.js';
import type { JsonObject } from '../../src/request/json-value.js';
import { metadataUidOf } from '../../src/request/object-uid.js';
import type { ResourceRequest } from '../../src/request/resource-request.js';
import { RULES } from '../../src/rules/catalog.js';
import { capturedReview, fixturePath } from '../fixture-path.js';

const AUDIT_LINES = readFileSync(fixturePath('kube-apiserver-v1.32', 'audit.log.jsonl'), 'utf8').split('\n');

function audit(file: string, line: number): ResourceRequest {
  const text = file === 'v1.32' ? AUDIT_LINES[line - 1]! : readFileSync(fixturePath('audit', 'synthetic', file), 'utf8').split('\n')[line - 1]!;
  return fromAuditEvent(JSON.parse(text) as JsonObject, `${file}:${line}`)!;
}

const NODE_AGENT = 'ea73fe14-91ab-48f1-b71f-900e0164078f';

describe('objectUid of each front end', () => {
  test.each<[string, () => ResourceRequest, string | undefined]>([
    ['admission CREATE (filled by the API server before admission)', () => fromAdmissionReview(capturedReview('007')).request, NODE_AGENT],
    ['admission CREATE of a Service', () => fromAdmissionReview(capturedReview('001')).request, '6a05fce2-c575-48c6-95dd-591feed9640d'],
    ['admission UPDATE', () => fromAdmissionReview(capturedReview('003')).request, 'b12dd6b7-4bc7-442b-9126-c9f8a544fb77'],
    ['admission CONNECT pods/exec (PodExecOptions has none)', () => fromAdmissionReview(capturedReview('011')).request, undefined],
    ['audit create 201: the stored response', () => audit('v1.32', 12), NODE_AGENT],
    ['audit patch 200: the stored response', () => audit('v1.32', 15), NODE_AGENT],
    ['audit create denied (403 Status, the object never existed)', () => audit('v1.32', 3), undefined],
    ['audit exec', () => audit('v1.32', 24), undefined],
    ['audit delete: the deleted object', () => audit('daemonset-replace-and-delete.jsonl', 2), '5b0f7c1e-2d1a-4c55-9d4e-0a6f3c1b7e21'],
  ])('%s', (_title, request, expected) => {
    expect(request().objectUid).toBe(expected);
  });

  test('a manifest has no live object: no uid, even when exported with one (kubectl get -o yaml)', () => {
    const object: JsonObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', uid: '11111111-2222-3333-4444-555555555555' }, spec: { type: 'NodePort' } };
    expect(fromManifest(object, { file: 'svc.yaml', line: 1 }, defaultManifestOptions()).objectUid).toBeUndefined();
  });

  test('audit objectRef.uid when no body carries one', () => {
    const event = JSON.parse(AUDIT_LINES[2]!) as { objectRef: Record<string, string> } & JsonObject;
    event.objectRef['uid'] = 'from-object-ref';
    expect(fromAuditEvent(event, 'a:3')!.objectUid).toBe('from-object-ref');
  });

  test('metadataUidOf takes the first body with a non-empty string uid', () => {
    expect(metadataUidOf(null, { metadata: { uid: '' } }, { metadata: { uid: 7 } }, { metadata: { uid: 'b' } }, { metadata: { uid: 'c' } })).toBe('b');
    expect(metadataUidOf(undefined, { metadata: [] } as unknown as JsonObject)).toBeUndefined();
  });
});

describe('finding fields', () => {
  test('a warned DaemonSet: object_uid and object_api_version in the result row', () => {
    const [finding] = evaluate(fromAdmissionReview(capturedReview('007')).request, RULES);
    expect(finding!.fields).toMatchObject({ object_uid: NODE_AGENT, object_api_version: 'apps/v1', kind: 'DaemonSet', name: 'node-agent' });
  });

  test('kubectl exec: the Pod\'s apiVersion, no object_uid (the Event sink looks the Pod up)', () => {
    const [finding] = evaluate(fromAdmissionReview(capturedReview('011')).request, RULES);
    expect(finding!.fields['object_api_version']).toBe('v1');
    expect(finding!.fields).not.toHaveProperty('object_uid');
  });

  test('the audit replay of the same create carries the same uid as admission did', () => {
    const [replayed] = evaluate(audit('v1.32', 12), RULES);
    const [admitted] = evaluate(fromAdmissionReview(capturedReview('007')).request, RULES);
    expect(replayed!.fields['object_uid']).toBe(admitted!.fields['object_uid']);
    expect(replayed!.fields['object_api_version']).toBe('apps/v1');
  });
});
