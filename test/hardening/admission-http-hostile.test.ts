// Hostile HTTP clients against the webhook over real TLS: bad bytes, huge and compressed bodies, pollution, deep nesting, header floods, slow loris.
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { request } from 'node:https';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { MemorySink } from '../../src/outputs/risk-sink.js';
import { RULES } from '../../src/rules/catalog.js';
import { DEFAULT_BODY_LIMIT_BYTES } from '../../src/webhook/app.js';
import { capturedReview } from '../fixture-path.js';
import { testLogger } from '../webhook/tls-harness.js';
import { fuzzParams, HEAVY_RUNS } from './fuzz-settings.js';
import { deeplyNested, hostileJson, POLLUTION_PAYLOADS } from './hostile-json.js';
import { pollutedPrototypes } from './prototype-guard.js';
import { startHardenedServer, tlsSocket, untilClosed, VERDICT_BODIES, VERDICT_POLICY } from './webhook-harness.js';
import type { HardenedServer } from './webhook-harness.js';

const policy = parsePolicy(VERDICT_POLICY, 'policy.yaml', RULES);
const sink = new MemorySink(10_000);
const { logger, logs } = testLogger();
/** Short timeouts so slow clients are cut within the test; the defaults are checked in tls-security.test.ts. */
const TIMEOUTS = { keepAliveMs: 5_000, headersMs: 700, requestMs: 1_500 };
let running: HardenedServer;

beforeAll(async () => {
  running = await startHardenedServer({ rules: RULES, policy: () => policy, sinks: [sink], logger }, TIMEOUTS);
});
afterAll(() => running.close());
afterEach(() => expect(pollutedPrototypes()).toEqual([]));

type ErrorAnswer = { error: { code: string; message: string; field: string } };

/** Every answer is 200 with an AdmissionReview, or a 4xx with `{error: {code, message, field}}`; never 5xx, never a stack. */
async function expectHandled(body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<number> {
  const answer = await running.client.send('POST', '/validate', body, headers);
  expect(answer.text).not.toMatch(/\n\s+at /);
  if (answer.status === 200) {
    expect(answer.json()['kind']).toBe('AdmissionReview');
    return 200;
  }
  expect(answer.status).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBeLessThan(500);
  const { error } = answer.json() as ErrorAnswer;
  expect(error.code).toMatch(/^[A-Z_]+$/);
  expect(error.field.length).toBeGreaterThan(0);
  expect(error.message.length).toBeLessThanOrEqual(400);
  return answer.status;
}

test('any JSON value as a body: an AdmissionReview or a 4xx naming the field', async () => {
  await fc.assert(
    fc.asyncProperty(hostileJson, async (value) => {
      await expectHandled(JSON.stringify(value) ?? 'null');
    }),
    fuzzParams(HEAVY_RUNS),
  );
});

test('invalid UTF-8 bytes spliced into real bodies: 200 or 400, never 5xx', async () => {
  const bodies = Object.values(VERDICT_BODIES).map((b) => Buffer.from(JSON.stringify(b)));
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: bodies.length - 1 }), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }).map((b) => Buffer.from(b.map((x) => x | 0x80))), async (i, at, garbage) => {
      const body = bodies[i]!;
      const cut = at % body.length;
      expect([200, 400]).toContain(await expectHandled(Buffer.concat([body.subarray(0, cut), garbage, body.subarray(cut)])));
    }),
    fuzzParams(HEAVY_RUNS),
  );
});

test('pollution payloads at the top, in request and in the object: answered as without them, nothing polluted', async () => {
  for (const payload of POLLUTION_PAYLOADS) {
    const inner = JSON.stringify(payload).slice(1, -1);
    const base = JSON.stringify(VERDICT_BODIES.deny);
    for (const body of [base.replace('{', `{${inner},`), base.replace('"request":{', `"request":{${inner},`), base.replace('"spec":{', `"spec":{${inner},`)]) {
      const answer = await running.client.send('POST', '/validate', body, { 'content-type': 'application/json' });
      expect(answer.status).toBe(200);
      expect((answer.json()['response'] as { allowed: boolean }).allowed).toBe(false);
    }
  }
});

test.each([
  ['an object', 'object' as const],
  ['an array', 'array' as const],
])('a body nested as deep as fits under the body limit inside request.object (%s): answered or refused, the server keeps serving', async (_name, shape) => {
  for (const capture of ['001', '008', '011']) {
    const base = JSON.stringify(capturedReview(capture));
    // The point is the nesting, not the size: a million levels of arrays (2 bytes a level), some 520,000 of objects (6).
    const bytesPerLevel = deeplyNested(1, shape).length - 1;
    const depth = Math.min(1_000_000, Math.floor((DEFAULT_BODY_LIMIT_BYTES - base.length - 64) / bytesPerLevel));
    const body = base.replace('"object":{', `"object":{"deep":${deeplyNested(depth, shape)},`);
    expect(Buffer.byteLength(body)).toBeLessThan(DEFAULT_BODY_LIMIT_BYTES);
    await expectHandled(body);
  }
  const after = await running.client.postJson('/validate', VERDICT_BODIES.deny);
  expect(after.status).toBe(200);
});

test('a body just under the limit is reviewed; one byte over is refused with 413 BODY_TOO_LARGE', async () => {
  const base = JSON.stringify(VERDICT_BODIES.deny);
  const pad = (size: number) => base.replace('"metadata":{', `"metadata":{"annotations":{"pad":"${'p'.repeat(size - base.length - 30)}"},`);
  const fits = pad(DEFAULT_BODY_LIMIT_BYTES);
  expect(Buffer.byteLength(fits)).toBeLessThanOrEqual(DEFAULT_BODY_LIMIT_BYTES);
  const ok = await running.client.send('POST', '/validate', fits, { 'content-type': 'application/json' });
  expect(ok.status).toBe(200);
  expect((ok.json()['response'] as { allowed: boolean }).allowed).toBe(false);
  const over = `${fits}${' '.repeat(DEFAULT_BODY_LIMIT_BYTES - Buffer.byteLength(fits) + 1)}`;
  const refused = await running.client.send('POST', '/validate', over, { 'content-type': 'application/json' });
  expect(refused.status).toBe(413);
  expect((refused.json() as ErrorAnswer).error).toMatchObject({ code: 'BODY_TOO_LARGE', field: 'body' });
});

test('a 64 MiB chunked upload is refused with 413 before it is all sent', async () => {
  const chunk = Buffer.alloc(1024 * 1024, ' ');
  const status = await new Promise<{ status: number; sentMiB: number }>((resolve, reject) => {
    let sent = 0;
    const req = request({ host: '127.0.0.1', port: running.port, method: 'POST', path: '/validate', ca: running.pki.ca.cert, servername: 'localhost', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, sentMiB: sent });
      req.destroy();
    });
    req.on('error', (error) => (sent >= 64 ? resolve({ status: 0, sentMiB: sent }) : reject(error)));
    const pump = () => {
      while (sent < 64) {
        sent++;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    req.write('{"pad":"');
    pump();
  });
  expect(status.status).toBe(413);
  expect(status.sentMiB).toBeLessThan(64);
});

test('a gzip bomb (100 MiB inflated from 100 KiB) is refused with 413; an unknown Content-Encoding with 415', async () => {
  const bomb = gzipSync(Buffer.from(`{"pad":"${' '.repeat(100 * 1024 * 1024)}"}`));
  expect(bomb.length).toBeLessThan(200 * 1024);
  const answer = await running.client.send('POST', '/validate', bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
  expect(answer.status).toBe(413);
  expect(await expectHandled(Buffer.from('{}'), { 'content-type': 'application/json', 'content-encoding': 'compress' })).toBe(415);
});

test.each([
  ['no Content-Type', {}],
  ['text/plain', { 'content-type': 'text/plain' }],
  ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }],
  ['JSON with a latin1 charset', { 'content-type': 'application/json; charset=latin1' }],
  ['JSON with an unknown charset', { 'content-type': 'application/json; charset=x-unknown' }],
])('%s: refused with a 4xx naming the header', async (_name, headers) => {
  const status = await expectHandled(JSON.stringify(VERDICT_BODIES.deny), headers as Record<string, string>);
  expect(status === 200 || status === 400 || status === 415).toBe(true);
});

test('a 64 KiB header is refused with 431, and 3,000 headers do not take the server down', async () => {
  const socket = await tlsSocket(running.port, { ca: running.pki.ca.cert });
  const closed = untilClosed(socket);
  socket.write(`POST /validate HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(64 * 1024)}\r\nContent-Length: 2\r\n\r\n{}`);
  expect(await closed).toMatch(/^HTTP\/1\.1 431 /);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (let i = 0; i < 3_000; i++) headers[`x-h${i}`] = '1';
  const many = await running.client.send('POST', '/validate', JSON.stringify(VERDICT_BODIES.deny), headers).catch((error: Error) => error);
  if (!(many instanceof Error)) expect([200, 431]).toContain(many.status);
  expect((await running.client.postJson('/validate', VERDICT_BODIES.deny)).status).toBe(200);
});

test('slow loris: headers trickled forever are cut with 408, the body trickled forever too; other clients are served meanwhile', async () => {
  const trickle = async (head: string) => {
    const socket = await tlsSocket(running.port, { ca: running.pki.ca.cert });
    const closed = untilClosed(socket);
    socket.write(head);
    let stop = false;
    const timer = setInterval(() => {
      if (!stop && !socket.destroyed) socket.write('a');
    }, 100);
    const text = await closed;
    stop = true;
    clearInterval(timer);
    return text;
  };
  const loris = [
    ...Array.from({ length: 20 }, () => trickle('POST /validate HTTP/1.1\r\nHost: x\r\nX-Slow: ')),
    ...Array.from({ length: 20 }, () => trickle('POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"a":"')),
  ];
  for (let i = 0; i < 10; i++) expect((await running.client.postJson('/validate', VERDICT_BODIES.deny)).status).toBe(200);
  const answers = await Promise.all(loris);
  for (const text of answers) expect(text === '' || /^HTTP\/1\.1 408 /.test(text)).toBe(true);
  expect(answers.filter((t) => t.startsWith('HTTP/1.1 408')).length).toBeGreaterThan(0);
});

test('a connection that goes idle between reviews for longer than the headers timeout is still served', async () => {
  const first = await running.client.postJson('/validate', VERDICT_BODIES.allow);
  expect(first.status).toBe(200);
  // Idle past headersTimeout plus Node's timeout check interval: the idle time must not count against the next request.
  await new Promise((resolve) => setTimeout(resolve, TIMEOUTS.headersMs + 1_500));
  const second = await running.client.postJson('/validate', VERDICT_BODIES.allow);
  expect(second.status).toBe(200);
});

test('nothing the hostile clients sent was logged as an object payload, and no stack trace was logged', () => {
  const text = JSON.stringify(logs.lines);
  expect(text).not.toContain('pppppppppp');
  expect(text).not.toMatch(/\\n\s+at /);
});
