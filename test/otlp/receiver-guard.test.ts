// The OTLP receiver's guard (issue 17): bearer token, mTLS, one body at a time with 429 + Retry-After, the 20 KB bomb refused cheaply.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BearerToken } from '../../src/otlp/otlp-bearer-token.js';
import { startReceiverServer } from '../../src/otlp/otlp-receiver.js';
import type { OtlpReceiverConfig } from '../../src/otlp/otlp-receiver.js';
import type { OtlpServer } from '../../src/otlp/otlp-server.js';
import type { MetricPoint } from '../../src/signals/metric-points.js';
import { issue, makeCa } from '../e2e/harness/pki.js';
import { tempDir } from '../sinks/sink-test-kit.js';
import { edgePayload } from './collector-payload.js';

const BODY = JSON.stringify(edgePayload([{ cluster: 'prod', source: 'frontend', dest: 'cart', timeMs: Date.parse('2026-03-02T10:00:00Z') }]));

let tmp: ReturnType<typeof tempDir>;
let server: OtlpServer | undefined;
let batches: MetricPoint[][];
let warnings: object[];

beforeAll(() => (tmp = tempDir('riskgate-otlp-guard-')));
afterAll(() => tmp.remove());
beforeEach(() => {
  batches = [];
  warnings = [];
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(extra: Partial<OtlpReceiverConfig> = {}): Promise<number> {
  const logger = { debug: () => {}, warn: (f: object) => void warnings.push(f), error: (f: object) => void warnings.push(f) };
  const config: OtlpReceiverConfig = { host: '127.0.0.1', port: 0, wanted: ['tcp.packets'], ...extra };
  server = await startReceiverServer(config, {
    ingestPoints: async (points) => (batches.push(points), { points: points.length, incomplete: 0, ahead: 0, findings: { length: 0 } }),
    logger,
    ready: () => true,
  });
  return server.address.port;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function post(port: number, body: Buffer | string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/v1/metrics', method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('bearer token (the collector\'s bearertokenauth extension)', () => {
  test('no token or a wrong one: 401 before the body is read; the right one: 200', async () => {
    const file = join(tmp.dir, 'token');
    writeFileSync(file, 's3cret-token\n');
    const port = await start({ tokenFile: file });
    const none = await post(port, BODY);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect((await post(port, BODY, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post(port, BODY, { authorization: 'Bearer s3cret-token' })).status).toBe(200);
    expect(batches).toHaveLength(1);
  });

  test('a rotated token file is picked up within seconds; an emptied one keeps the token in force', () => {
    const file = join(tmp.dir, 'rotating');
    writeFileSync(file, 'first');
    const token = new BearerToken(file);
    expect(token.accepts('Bearer first', 0)).toBe(true);
    writeFileSync(file, 'second');
    utimesSync(file, new Date(), new Date(Date.now() + 60_000));
    expect(token.accepts('Bearer second', 10_000)).toBe(true);
    expect(token.accepts('Bearer first', 10_000)).toBe(false);
    writeFileSync(file, '');
    utimesSync(file, new Date(), new Date(Date.now() + 120_000));
    expect(token.accepts('Bearer second', 20_000)).toBe(true);
    expect(() => new BearerToken(join(tmp.dir, 'missing'))).toThrow('cannot read the OTLP token file');
  });
});

describe('mTLS (the collector\'s otlphttp tls settings)', () => {
  test('a client certificate from the CA gets 200; none, or one from another CA, is refused in the TLS handshake', async () => {
    const pki = join(tmp.dir, 'pki');
    mkdirSync(pki, { recursive: true });
    const ca = makeCa(pki, 'otlp-ca');
    const other = makeCa(pki, 'other-ca');
    const serving = issue(pki, ca, 'serving', { cn: 'riskgate', sans: ['IP:127.0.0.1'], usage: 'server' });
    const collector = issue(pki, ca, 'collector', { cn: 'otel-collector', usage: 'client' });
    const stranger = issue(pki, other, 'stranger', { cn: 'otel-collector', usage: 'client' });
    const read = (f: string) => readFileSync(f, 'utf8');
    const port = await start({ tls: { cert: read(serving.cert), key: read(serving.key), clientCa: read(ca.cert) } });
    const send = (client?: { cert: string; key: string }) =>
      new Promise<string>((resolve) => {
        const req = httpsRequest(
          { host: '127.0.0.1', port, path: '/v1/metrics', method: 'POST', agent: false, ca: read(ca.cert), headers: { 'content-type': 'application/json' }, ...(client ? { cert: read(client.cert), key: read(client.key) } : {}) },
          (res) => (res.resume(), res.on('end', () => resolve(`HTTP ${res.statusCode}`))),
        );
        req.on('error', (error: NodeJS.ErrnoException) => resolve(`refused ${error.code ?? error.message}`));
        req.end(BODY);
      });
    expect(await send(collector)).toBe('HTTP 200');
    expect(await send()).toMatch(/^refused /);
    expect(await send(stranger)).toMatch(/^refused /);
    expect(batches).toHaveLength(1);
  });
});

describe('one body at a time, bounded', () => {
  test('while a body is arriving, another sender gets 429 with Retry-After (collectors retry); then it is accepted', async () => {
    const port = await start();
    const slow = httpRequest({ host: '127.0.0.1', port, path: '/v1/metrics', method: 'POST', agent: false, headers: { 'content-type': 'application/json' } });
    const slowAnswer = new Promise<number>((resolve, reject) => {
      slow.on('response', (res) => (res.resume(), resolve(res.statusCode ?? 0)));
      slow.on('error', reject);
    });
    slow.write(BODY.slice(0, 10));
    await new Promise((r) => setTimeout(r, 100));
    const busy = await post(port, BODY);
    expect(busy.status).toBe(429);
    expect(busy.headers['retry-after']).toBe('1');
    expect(JSON.parse(busy.body)).toEqual({ code: 8, message: expect.stringMatching(/another batch/) });
    slow.end(BODY.slice(10));
    expect(await slowAnswer).toBe(200);
    expect((await post(port, BODY)).status).toBe(200);
    expect(batches).toHaveLength(2);
  });

  // Refused at the values budget (400k of the 7M objects), not after inflating and parsing it all; the time this takes
  // under attack is the drill's figure (test/hardening/otlp-bomb-drill.test.ts), not a timing asserted here.
  test('the 20 KB gzip of {"resourceMetrics":[{},{},…]} is answered 413 at the values budget, nothing reaches the detectors', async () => {
    const port = await start();
    const bomb = gzipSync(`{"resourceMetrics":[${'{},'.repeat(6_999_999)}{}]}`);
    expect(bomb.length).toBeLessThan(25_000);
    const answer = await post(port, bomb, { 'content-encoding': 'gzip' });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ code: 8, message: "the body is too large: over the receiver's decoded values limit (400000); send smaller batches" });
    expect(batches).toEqual([]);
    expect(warnings).toEqual([expect.objectContaining({ code: 'OTLP_BUDGET', limit: 'values' })]);
    expect((await post(port, BODY)).status).toBe(200);
  });
});
