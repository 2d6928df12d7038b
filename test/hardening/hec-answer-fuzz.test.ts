// Fuzzes how the HEC sink reads Splunk's answers: any status, body and Retry-After, over the wire too, and bodies that never end.
import fc from 'fast-check';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HecClient } from '../../src/sinks/hec-client.js';
import { hecEndpoint } from '../../src/sinks/hec-endpoint.js';
import { ackResult, eventResult, retryAfterMs } from '../../src/sinks/hec-response.js';
import type { HecFailure } from '../../src/sinks/hec-response.js';
import { DEFAULT_BACKOFF, MAX_RETRY_AFTER_MS, retryDelay } from '../../src/sinks/retry-backoff.js';
import { fuzzParams, HEAVY_RUNS } from './fuzz-settings.js';
import { hostileJson, POLLUTION_PAYLOADS } from './hostile-json.js';
import { pollutedPrototypes } from './prototype-guard.js';

/** Failure reasons become a metric label: a short token from a small family, whatever the server sent. */
const REASON = /^(http-\d{1,3}|ack-http-\d{1,3}|hec-code-\d{1,3}|malformed|timeout|connection|tls|ack-timeout)$/;
const MAX_DETAIL = 300;

const status = fc.oneof(fc.constantFrom(200, 201, 400, 401, 403, 404, 413, 429, 500, 503), fc.integer({ min: 100, max: 599 }));
const body = fc.oneof(
  hostileJson.map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 300 }),
  fc.record({ text: fc.string(), code: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)), ackId: fc.oneof(fc.integer(), fc.double(), fc.string()) }).map((v) => JSON.stringify(v)),
  fc.record({ acks: fc.oneof(fc.dictionary(fc.string(), fc.oneof(fc.boolean(), hostileJson)), hostileJson) }).map((v) => JSON.stringify(v)),
  fc.constantFrom('{"text":"Success","code":0}', '{"text":"Success","code":0,"ackId":7}', '{"acks":{"7":true}}', ...POLLUTION_PAYLOADS.map((p) => JSON.stringify(p))),
);
const header = fc.option(fc.oneof(fc.string({ maxLength: 40 }), fc.integer().map(String), fc.double().map(String), fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()), fc.constantFrom('Infinity', '-1', '1e400', 'NaN', '0', '')), { nil: undefined });

function expectBoundedFailure(result: { ok: boolean }): void {
  if (result.ok) return;
  const failure = result as HecFailure;
  expect(failure.reason).toMatch(REASON);
  expect(failure.detail.length).toBeLessThanOrEqual(MAX_DETAIL);
  if (failure.retryAfterMs !== undefined) expect(Number.isFinite(failure.retryAfterMs) && failure.retryAfterMs >= 0).toBe(true);
}

afterEach(() => expect(pollutedPrototypes()).toEqual([]));

test('event answers: any status, body and Retry-After give a bounded result and a bounded retry delay', () => {
  fc.assert(
    fc.property(status, body, header, fc.integer({ min: 1, max: 100 }), (code, text, retryAfter, attempt) => {
      const result = eventResult(code, text, retryAfter);
      expectBoundedFailure(result);
      if (result.ok && result.ackId !== undefined) expect(Number.isSafeInteger(result.ackId)).toBe(true);
      const delay = retryDelay(attempt, result.ok ? undefined : result.retryAfterMs, { ...DEFAULT_BACKOFF, random: () => 0.5 });
      expect(delay).toBeGreaterThan(0);
      expect(delay).toBeLessThanOrEqual(Math.max(MAX_RETRY_AFTER_MS, DEFAULT_BACKOFF.maxMs));
    }),
    fuzzParams(),
  );
});

test('ack answers: any status and body give acked true only for `acks[id] === true`', () => {
  fc.assert(
    fc.property(status, body, fc.nat(), (code, text, ackId) => {
      const result = ackResult(code, text, ackId);
      expectBoundedFailure(result);
      if (result.ok && result.acked) {
        const acks = (JSON.parse(text) as { acks: Record<string, unknown> }).acks;
        expect(Object.prototype.hasOwnProperty.call(acks, String(ackId)) && acks[String(ackId)] === true).toBe(true);
      }
    }),
    fuzzParams(),
  );
});

test('Retry-After: any header is a finite, non-negative delay or none', () => {
  fc.assert(
    fc.property(fc.string(), (value) => {
      const ms = retryAfterMs(value);
      if (ms !== undefined) expect(Number.isFinite(ms) && ms >= 0).toBe(true);
    }),
    fuzzParams(),
  );
});

describe('over HTTP', () => {
  type Answer = { status: number; body: string; retryAfter?: string; endless?: boolean };
  let next: Answer = { status: 200, body: '{"text":"Success","code":0}' };
  let sentBytes = 0;
  let server: http.Server;
  let client: HecClient;
  const CHUNK = Buffer.alloc(64 * 1024, 'a');
  /** Far more than any HEC answer; an endless body past it means the client read on without a bound. */
  const ENDLESS_LIMIT = 256 * 1024 * 1024;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const answer = next;
        res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.retryAfter !== undefined ? { 'retry-after': answer.retryAfter } : {}) });
        if (!answer.endless) return void res.end(answer.body);
        sentBytes = 0;
        const pump = () => {
          while (sentBytes < ENDLESS_LIMIT && !res.destroyed) {
            sentBytes += CHUNK.length;
            if (!res.write(CHUNK)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.write('{"text":"');
        pump();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    client = new HecClient({ endpoint: hecEndpoint(`http://127.0.0.1:${port}`), token: 't', channel: '00000000-0000-4000-8000-000000000000', requestTimeoutMs: 120_000 });
  });
  afterAll(async () => {
    client.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('hostile answers over the wire: sendEvents and queryAck resolve with a bounded result', async () => {
    await fc.assert(
      fc.asyncProperty(status.filter((c) => c >= 200), body, header.filter((h) => h === undefined || /^[\x20-\x7e]*$/.test(h)), async (code, text, retryAfter) => {
        next = { status: code, body: text, ...(retryAfter !== undefined ? { retryAfter } : {}) };
        expectBoundedFailure(await client.sendEvents('{"event":{}}'));
        expectBoundedFailure(await client.queryAck(1));
      }),
      fuzzParams(HEAVY_RUNS),
    );
  });

  test('an answer body that never ends is cut off: the client stops reading and reports a failure', async () => {
    next = { status: 200, body: '', endless: true };
    const result = await client.sendEvents('{"event":{}}');
    expect(result.ok).toBe(false);
    expectBoundedFailure(result);
    expect(sentBytes).toBeLessThan(ENDLESS_LIMIT);
  });
});
