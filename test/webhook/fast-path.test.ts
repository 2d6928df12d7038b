// The review fast path: the API server's usual requests skip express's router, any other shape goes to express, and both answer alike.
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { MemorySink } from '../../src/outputs/risk-sink.js';
import { RULES } from '../../src/rules/catalog.js';
import { DEFAULT_BODY_LIMIT_BYTES } from '../../src/webhook/app.js';
import { Lifecycle } from '../../src/webhook/lifecycle.js';
import { withReviewFastPath } from '../../src/webhook/review-fast-path.js';
import { admissionBodyParser } from '../../src/webhook/validate-route.js';
import type { ValidateDeps } from '../../src/webhook/validate-route.js';
import { createWebhookServer, listen } from '../../src/webhook/server.js';
import { capturedReview } from '../fixture-path.js';
import { makeTestPki, startTestServer, testLogger, TlsClient } from './tls-harness.js';
import type { HttpAnswer, RunningTestServer } from './tls-harness.js';

const pki = makeTestPki();
const policy = parsePolicy('rules:\n  kubernetes-node-port-creation: {action: deny}\n  kubernetes-daemonset-deployed: {action: warn}\n', 'fast-path-policy.yaml', RULES);
const review = (prefix: string) => JSON.stringify(capturedReview(prefix));

/** A chunked POST (no Content-Length), which node:https sends when the body is written in parts. */
function postChunked(client: TlsClient, path: string, body: string, contentType: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: client.port, method: 'POST', path, agent: client.agent, headers: { 'content-type': contentType } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, serverSerial: undefined, localPort: undefined, json: () => JSON.parse(text) as Record<string, unknown> });
      });
    });
    req.on('error', reject);
    req.write(body.slice(0, 100));
    req.end(body.slice(100));
  });
}

describe('which requests take the fast path', () => {
  const sink = new MemorySink();
  const fallbackCalls: string[] = [];
  let client: TlsClient;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const deps: ValidateDeps = {
      rules: RULES,
      policy: () => policy,
      sink,
      logger: testLogger().logger,
      clock: () => new Date(),
      lifecycle: new Lifecycle(),
      observers: [],
      bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
    };
    const listener = withReviewFastPath(deps, admissionBodyParser(DEFAULT_BODY_LIMIT_BYTES), (req, res) => {
      fallbackCalls.push(`${req.method} ${req.url} ${req.headers['content-type'] ?? '-'}`);
      req.resume();
      req.on('end', () => res.writeHead(418).end());
    });
    const server = createWebhookServer(listener, pki.serving);
    const address: AddressInfo = await listen(server, '127.0.0.1', 0);
    client = new TlsClient(address.port, pki.ca.cert);
    close = async () => {
      client.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
  });
  afterAll(() => close());

  test.each([
    ['/validate', 'application/json'],
    ['/validate?timeout=10s', 'application/json'],
    ['/validate/enforce?timeout=3s', 'application/json'],
    ['/validate/observe', 'application/json; charset=utf-8'],
    ['/validate', 'Application/JSON'],
  ])('POST %s with %s is reviewed without express', async (path, contentType) => {
    const before = fallbackCalls.length;
    const answer = await client.send('POST', path, review('001'), { 'content-type': contentType });
    expect(answer.status).toBe(200);
    expect(answer.json()['kind']).toBe('AdmissionReview');
    expect(fallbackCalls.length).toBe(before);
  });

  test.each([
    ['POST', '/validate/', 'application/json'],
    ['POST', '/VALIDATE', 'application/json'],
    ['POST', '/mutate', 'application/json'],
    ['POST', '/validate', 'application/json; charset="utf-8"'],
    ['POST', '/validate', 'application/json; charset=utf-16'],
    ['POST', '/validate', 'application/merge-patch+json'],
    ['POST', '/validate', 'text/plain'],
    ['PUT', '/validate', 'application/json'],
  ])('%s %s with %s goes to express', async (method, path, contentType) => {
    const before = fallbackCalls.length;
    const answer = await client.send(method, path, review('001'), { 'content-type': contentType });
    expect(answer.status).toBe(418);
    expect(fallbackCalls.slice(before)).toEqual([`${method} ${path} ${contentType}`]);
  });

  test('a request without Content-Length (chunked) or without Content-Type goes to express', async () => {
    const before = fallbackCalls.length;
    expect((await postChunked(client, '/validate', review('001'), 'application/json')).status).toBe(418);
    expect((await client.send('POST', '/validate', review('001'))).status).toBe(418);
    expect((await client.send('GET', '/healthz')).status).toBe(418);
    expect(fallbackCalls.length).toBe(before + 3);
  });
});

describe('the fast path and the express route answer alike', () => {
  const sink = new MemorySink();
  let running: RunningTestServer;

  beforeAll(async () => {
    running = await startTestServer({ rules: RULES, policy: () => policy, sinks: [sink], logger: testLogger().logger }, pki);
  });
  afterAll(() => running.close());

  const bodies: Array<[string, string]> = [
    ['a denied NodePort Service', review('001')],
    ['a DaemonSet with a warning', review('007')],
    ['an allowed ClusterIP Service', review('002')],
    ['a dry run', review('004')],
    ['a shell exec', review('011')],
    ['not JSON', 'this is not json'],
    ['truncated JSON', review('001').slice(0, 300)],
    ['a JSON array', '[]'],
    ['a review without request.uid', review('001').replace('"uid":"c2ca8c7a-4697-47c9-bccf-b1cf42eeb4f2",', '')],
    ['an empty body', ''],
    ['a body over the limit', review('001').replace('"metadata":{', `"metadata":{"annotations":{"pad":"${'x'.repeat(DEFAULT_BODY_LIMIT_BYTES)}"},`)],
  ];

  test.each(bodies)('%s', async (_name, body) => {
    const answers: HttpAnswer[] = [];
    const events: string[][] = [];
    // `charset="utf-8"` (quoted) means the same to the parser but is not the API server's spelling: express serves it.
    for (const contentType of ['application/json', 'application/json; charset="utf-8"']) {
      sink.events.length = 0;
      answers.push(await running.client.send('POST', '/validate?timeout=10s', body, { 'content-type': contentType }));
      events.push(sink.events.map((e) => `${e.rule_id} ${e.action} ${e.event_id}`));
    }
    const [fast, viaExpress] = answers as [HttpAnswer, HttpAnswer];
    expect(fast.status).toBe(viaExpress.status);
    expect(fast.headers['content-type']).toBe(viaExpress.headers['content-type']);
    expect(fast.headers['content-length']).toBe(viaExpress.headers['content-length']);
    expect(fast.text).toBe(viaExpress.text);
    expect(events[0]).toEqual(events[1]);
  });

  test('a chunked review (express) gets the same answer as one with a Content-Length (fast path)', async () => {
    const fast = await running.client.send('POST', '/validate', review('001'), { 'content-type': 'application/json' });
    const chunked = await postChunked(running.client, '/validate', review('001'), 'application/json');
    expect(chunked.status).toBe(200);
    expect(chunked.text).toBe(fast.text);
  });
});
