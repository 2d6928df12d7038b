// Bad input over real TLS: each gets an HTTP error with { error: { code, message, field } } naming the problem, and the server keeps serving.
import { defaultPolicy } from '../../src/engine/policy.js';
import { MemorySink } from '../../src/outputs/risk-sink.js';
import { RULES } from '../../src/rules/catalog.js';
import { DEFAULT_BODY_LIMIT_BYTES } from '../../src/webhook/app.js';
import type { InputRejection } from '../../src/webhook/input-error.js';
import { capturedReview } from '../fixture-path.js';
import { makeTestPki, startTestServer, testLogger } from './tls-harness.js';
import type { LogCapture, RunningTestServer } from './tls-harness.js';

const JSON_TYPE = { 'content-type': 'application/json' };
const rejections: InputRejection[] = [];
const sink = new MemorySink();
let running: RunningTestServer;
let logs: LogCapture;

beforeAll(async () => {
  const log = testLogger();
  logs = log.logs;
  running = await startTestServer(
    { rules: RULES, policy: () => defaultPolicy(RULES), sinks: [sink], logger: log.logger, observers: [{ onRejected: (r) => rejections.push(r) }] },
    makeTestPki(),
  );
});
afterAll(() => running.close());

function review(edit: (body: Record<string, any>) => void): string {
  const body = capturedReview('001') as Record<string, any>;
  edit(body);
  return JSON.stringify(body);
}

const cases: Array<[string, number, string, string, string | Buffer, Record<string, string>]> = [
  ['non-JSON text', 400, 'BODY_NOT_JSON', 'body', 'this is not json', JSON_TYPE],
  ['truncated JSON', 400, 'BODY_NOT_JSON', 'body', review(() => {}).slice(0, 200), JSON_TYPE],
  ['a JSON string instead of an object', 400, 'BODY_NOT_JSON', 'body', '"AdmissionReview"', JSON_TYPE],
  ['a JSON array', 400, 'ADMISSION_NOT_AN_OBJECT', 'body', '[]', JSON_TYPE],
  ['wrong content type', 400, 'UNSUPPORTED_CONTENT_TYPE', 'headers.content-type', review(() => {}), { 'content-type': 'text/plain' }],
  ['no content type', 400, 'UNSUPPORTED_CONTENT_TYPE', 'headers.content-type', review(() => {}), {}],
  ['empty body', 400, 'BODY_EMPTY', 'body', '', JSON_TYPE],
  ['missing request', 400, 'ADMISSION_INVALID', 'request', review((b) => delete b['request']), JSON_TYPE],
  ['missing request.uid', 400, 'ADMISSION_INVALID', 'request.uid', review((b) => delete b['request']['uid']), JSON_TYPE],
  ['empty request.uid', 400, 'ADMISSION_INVALID', 'request.uid', review((b) => (b['request']['uid'] = '')), JSON_TYPE],
  ['unknown apiVersion', 400, 'ADMISSION_INVALID', 'apiVersion', review((b) => (b['apiVersion'] = 'admission.k8s.io/v2')), JSON_TYPE],
  ['wrong kind', 400, 'ADMISSION_INVALID', 'kind', review((b) => (b['kind'] = 'Pod')), JSON_TYPE],
  ['request.object is a number', 400, 'ADMISSION_INVALID', 'request.object', review((b) => (b['request']['object'] = 5)), JSON_TYPE],
  ['request.object is an array', 400, 'ADMISSION_INVALID', 'request.object', review((b) => (b['request']['object'] = [])), JSON_TYPE],
  ['request.oldObject is a string', 400, 'ADMISSION_INVALID', 'request.oldObject', review((b) => (b['request']['oldObject'] = 'x')), JSON_TYPE],
  ['unknown operation', 400, 'ADMISSION_INVALID', 'request.operation', review((b) => (b['request']['operation'] = 'PATCH')), JSON_TYPE],
  ['userInfo.groups not a list', 400, 'ADMISSION_INVALID', 'request.userInfo.groups', review((b) => (b['request']['userInfo']['groups'] = 'admins')), JSON_TYPE],
];

describe('bad input', () => {
  test.each(cases)('%s → %i %s', async (_name, status, code, field, body, headers) => {
    const answer = await running.client.send('POST', '/validate', body, headers);
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    const error = answer.json()['error'] as { code: string; message: string; field: string };
    expect(error).toEqual({ code, message: expect.any(String), field });
    expect(error.message.length).toBeGreaterThan(5);
    expect(answer.text).not.toMatch(/\bat .*\.(js|ts):\d+/);
  });

  test('a body over the limit is refused with 413 BODY_TOO_LARGE before it is parsed', async () => {
    const padding = 'x'.repeat(DEFAULT_BODY_LIMIT_BYTES);
    const answer = await running.client.send('POST', '/validate', review((b) => (b['request']['object']['metadata']['annotations'] = { pad: padding })), JSON_TYPE);
    expect(answer.status).toBe(413);
    expect(answer.json()).toEqual({ error: { code: 'BODY_TOO_LARGE', message: `body is larger than the limit of ${DEFAULT_BODY_LIMIT_BYTES} bytes`, field: 'body' } });
  });

  test('a body just under the limit is reviewed', async () => {
    const padding = 'x'.repeat(DEFAULT_BODY_LIMIT_BYTES - 10_000);
    const answer = await running.client.send('POST', '/validate', review((b) => (b['request']['object']['metadata']['annotations'] = { pad: padding })), JSON_TYPE);
    expect(answer.status).toBe(200);
    expect((answer.json()['response'] as { allowed: boolean }).allowed).toBe(true);
  });

  test('unknown paths and methods answer 404 in JSON', async () => {
    const get = await running.client.send('GET', '/validate');
    expect(get.status).toBe(404);
    expect(get.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route for GET /validate', field: 'path' } });
    expect((await running.client.postJson('/mutate', capturedReview('001'))).status).toBe(404);
  });

  test('after all of that the server still reviews, on every path', async () => {
    for (const path of ['/validate', '/validate/enforce', '/validate/observe']) {
      const answer = await running.client.postJson(`${path}?timeout=3s`, capturedReview('001'));
      expect(answer.status).toBe(200);
      expect((answer.json()['response'] as { uid: string }).uid).toBe('c2ca8c7a-4697-47c9-bccf-b1cf42eeb4f2');
    }
  });

  test('observers see each rejection; logs name code and field, never the payload', () => {
    expect(rejections.map((r) => r.code)).toEqual(expect.arrayContaining(cases.map((c) => c[2])));
    const warnings = logs.lines.filter((l) => l['msg'] === 'bad admission request');
    expect(warnings.length).toBeGreaterThanOrEqual(cases.length);
    const text = JSON.stringify(logs.lines);
    expect(text).not.toContain('np-svc');
    expect(text).not.toContain('managedFields');
  });
});
