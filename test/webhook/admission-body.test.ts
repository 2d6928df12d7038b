// The admission body as the reader takes it: spellings of the same review get the same answer, non-object JSON is refused, whichever reader (own or body-parser) reads it.
import { gzipSync } from 'node:zlib';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { MemorySink } from '../../src/outputs/risk-sink.js';
import { RULES } from '../../src/rules/catalog.js';
import { capturedReview } from '../fixture-path.js';
import { makeTestPki, startTestServer, testLogger } from './tls-harness.js';
import type { RunningTestServer } from './tls-harness.js';

const policy = parsePolicy('rules:\n  kubernetes-node-port-creation: {action: deny}\n', 'body-policy.yaml', RULES);
const review = JSON.stringify(capturedReview('001'));
const JSON_TYPE = 'application/json';
let running: RunningTestServer;

beforeAll(async () => {
  running = await startTestServer({ rules: RULES, policy: () => policy, sinks: [new MemorySink()], logger: testLogger().logger }, makeTestPki());
});
afterAll(() => running.close());

const sameReview: Array<[string, Buffer, Record<string, string>]> = [
  ['with a byte order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(review)]), { 'content-type': JSON_TYPE }],
  ['after white space', Buffer.from(` \r\n\t${review}\n`), { 'content-type': JSON_TYPE }],
  ['gzip-compressed', gzipSync(review), { 'content-type': JSON_TYPE, 'content-encoding': 'gzip' }],
  ['with Content-Encoding: identity', Buffer.from(review), { 'content-type': JSON_TYPE, 'content-encoding': 'identity' }],
  ['in UTF-16', Buffer.from(`\ufeff${review}`, 'utf16le'), { 'content-type': 'application/json; charset=utf-16' }],
  ['with charset UTF-8 in capitals', Buffer.from(review), { 'content-type': 'application/json; charset=UTF-8' }],
];

test.each(sameReview)('a review %s gets the answer of the plain one', async (_name, body, headers) => {
  const plain = await running.client.send('POST', '/validate', review, { 'content-type': JSON_TYPE });
  const other = await running.client.send('POST', '/validate', body, headers);
  expect(plain.status).toBe(200);
  expect(other.status).toBe(200);
  expect(other.text).toBe(plain.text);
});

const notAReview: Array<[string, string | Buffer, Record<string, string>]> = [
  ['a number', '5', { 'content-type': JSON_TYPE }],
  ['only white space', ' \n ', { 'content-type': JSON_TYPE }],
  ['a string after a byte order mark', '\ufeff"review"', { 'content-type': JSON_TYPE }],
  ['null, gzip-compressed', gzipSync('null'), { 'content-type': JSON_TYPE, 'content-encoding': 'gzip' }],
];

test.each(notAReview)('%s is refused with 400 BODY_NOT_JSON', async (_name, body, headers) => {
  const answer = await running.client.send('POST', '/validate', body, headers);
  expect(answer.status).toBe(400);
  expect(answer.json()).toEqual({ error: { code: 'BODY_NOT_JSON', message: expect.stringMatching(/^body is not a JSON object: .{5,}/), field: 'body' } });
});
