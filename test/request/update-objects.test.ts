// object and oldObject of an update or patch from recorded events (test/fixtures/audit/patches-v1.32): remembered, derived from the result, or unknown.
import { readFileSync } from 'node:fs';
import type { AuditEvent } from '../../src/kubernetes/audit-event.js';
import { auditRequestOf } from '../../src/request/from-audit-event.js';
import type { JsonObject } from '../../src/request/json-value.js';
import { fixturePath } from '../fixture-path.js';

const LINES = readFileSync(fixturePath('audit', 'patches-v1.32', 'audit.log.jsonl'), 'utf8').split('\n').filter(Boolean);
const event = (line: number) => JSON.parse(LINES[line - 1]!) as AuditEvent;
const response = (line: number) => event(line).responseObject as JsonObject;
const spec = (object: JsonObject | null) => object?.['spec'] as JsonObject;

describe('a patch the webhook denied (the log holds the patch and a Status)', () => {
  test('with the object the log last showed: object = that object with the patch applied, oldObject = that object', () => {
    const judged = auditRequestOf(event(4), response(3))!;
    expect(judged.oldObjectSource).toBe('remembered');
    expect(judged.request.oldObject).toEqual(response(3));
    expect((spec(judged.request.object)['ports'] as JsonObject[]).map((p) => [p['port'], p['nodePort'] ?? null])).toEqual([[443, null], [80, 30081]]);
    expect(judged.request.kind).toBe('Service');
  });

  test('without it: the patch alone, the old object unknown (as before the memory)', () => {
    const judged = auditRequestOf(event(4))!;
    expect(judged).toMatchObject({ oldObjectSource: 'unknown', request: { object: null, oldObject: {} } });
    expect(auditRequestOf(event(6))!.request.object).toEqual(event(6).requestObject);
  });

  test('a patch that cannot apply to the remembered object is judged as without it', () => {
    const broken: AuditEvent = { ...event(4), requestObject: [{ op: 'remove', path: '/spec/externalName' }] };
    expect(auditRequestOf(broken, response(3))).toMatchObject({ oldObjectSource: 'unknown', request: { oldObject: {} } });
  });
});

describe('a PUT the webhook denied (kubectl replace)', () => {
  test('oldObject = the remembered object when its resourceVersion is the one the body names; the new port gets a node port allocated', () => {
    const judged = auditRequestOf(event(25), response(24))!;
    expect(judged.oldObjectSource).toBe('remembered');
    const held = (spec(response(24))['ports'] as JsonObject[])[0]!['nodePort'];
    expect((spec(judged.request.object)['ports'] as JsonObject[]).map((p) => [p['port'], p['nodePort']])).toEqual([[80, held], [83, 0]]);
  });

  test('a remembered object of another resourceVersion is stale: old object unknown', () => {
    expect(auditRequestOf(event(25), response(16))).toMatchObject({ oldObjectSource: 'unknown', request: { oldObject: {} } });
  });
});

describe('a patch whose result the log shows', () => {
  test('oldObject = the remembered object when the result agrees with it outside what the patch wrote', () => {
    expect(auditRequestOf(event(19), response(18))).toMatchObject({ oldObjectSource: 'remembered', request: { object: response(19), oldObject: response(18) } });
  });

  test('a remembered object the result contradicts (a change the log missed) gives way to the result minus what the patch wrote', () => {
    const stale = structuredClone(response(18));
    (spec(stale)['ports'] as JsonObject[])[0]!['targetPort'] = 7070;
    const judged = auditRequestOf(event(19), stale)!;
    expect(judged.oldObjectSource).toBe('derived');
    expect(spec(judged.request.oldObject)).toEqual(spec(response(19)));
    expect((judged.request.oldObject!['metadata'] as JsonObject)['labels']).toEqual({ app: 'np-edge' });
  });
});
