// The body limit fits the largest review the API server can send (issue 17, finding 11): an UPDATE whose object and oldObject are each 3 MiB written with Go's six-byte escapes is judged, and its deny rule denies.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { capturedReview } from '../fixture-path.js';
import { DEFAULT_BODY_LIMIT_BYTES, MAX_OBJECT_BYTES } from '../../src/webhook/app.js';
import { DEFAULT_BODY_BUDGET } from '../../src/webhook/body-budget.js';
import { serveForTest, tempDir } from './serve-harness.js';
import type { ServeUnderTest } from './serve-harness.js';

let dir: { dir: string; remove(): void };
let running: ServeUnderTest;

beforeAll(async () => {
  dir = tempDir('review-size');
  const policy = join(dir.dir, 'policy.yaml');
  writeFileSync(policy, 'apiVersion: riskgate.io/v1\nkind: Policy\ndefaultAction: record\nrules:\n  kubernetes-node-port-update: {action: deny}\n');
  running = await serveForTest({ certsDir: dir.dir, policy, logLevel: 'warn' });
});
afterAll(async () => {
  await running?.stop();
  dir.remove();
});

/**
 * The ClusterIP → NodePort UPDATE the API server sent, with an annotation on both objects that fills each to 3 MiB of
 * `<`: the API server writes every one as `\u003c`, six bytes, so the review is about six times 6 MiB.
 */
function largestUpdate(): string {
  const review = capturedReview('003') as { request: Record<string, { metadata: { annotations?: Record<string, string> } }> };
  const pad = '\\u003c'.repeat(MAX_OBJECT_BYTES - Buffer.byteLength(JSON.stringify(review.request['object'])) - 64);
  for (const key of ['object', 'oldObject']) review.request[key]!.metadata.annotations = { ...review.request[key]!.metadata.annotations, filler: 'PAD' };
  return JSON.stringify(review).replaceAll('"filler":"PAD"', `"filler":"${pad}"`);
}

test('an UPDATE with 3 MiB object and oldObject, every byte escaped, is reviewed and denied, not refused as too large', async () => {
  const body = largestUpdate();
  expect(Buffer.byteLength(body)).toBeGreaterThan(2 * MAX_OBJECT_BYTES * 5.9);
  expect(Buffer.byteLength(body)).toBeLessThanOrEqual(DEFAULT_BODY_LIMIT_BYTES);
  const answer = await running.client.send('POST', '/validate', body, { 'content-type': 'application/json' });
  expect(answer.status).toBe(200);
  const response = answer.json()['response'] as { allowed: boolean; status?: { message: string } };
  expect(response.allowed).toBe(false);
  expect(response.status?.message).toMatch(/kubernetes-node-port-update|node port/i);
}, 60_000);

test('one such review fits the per-address body budget, so the budget never turns it away on its own', () => {
  expect(DEFAULT_BODY_LIMIT_BYTES).toBeLessThanOrEqual(DEFAULT_BODY_BUDGET.maxBytesPerPeer);
  expect(DEFAULT_BODY_LIMIT_BYTES).toBeLessThanOrEqual(DEFAULT_BODY_BUDGET.maxBytes);
});
