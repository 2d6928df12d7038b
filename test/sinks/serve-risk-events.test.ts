// `riskgate serve` with the risk-event options: a real AdmissionReview over TLS reaches HEC, the local store, /metrics and the auditor view.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:https';
import { startServe, type RunningServe } from '../../src/cli/serve-runtime.js';
import { riskEventsServeExtension } from '../../src/sinks/risk-events-serve-extension.js';
import { readEventStore } from '../../src/sinks/event-store-reader.js';
import type { RiskEvent } from '../../src/outputs/risk-event.js';
import { capturedReview } from '../fixture-path.js';
import { parseExposition, valueOf } from '../metrics/prometheus-text.js';
import { LogCapture, makeTestPki } from '../webhook/tls-harness.js';
import { HecTestServer } from './hec-test-server.js';
import { tempDir, waitUntil } from './sink-test-kit.js';

const HEC_TOKEN = 'serve-hec-token';
const AUDITOR_TOKEN = 'serve-auditor-token-0123456789';

function httpsCall(port: number, path: string, ca: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, ca, method: body === undefined ? 'GET' : 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function httpsCallHeaders(port: number, path: string, ca: string, headers: Record<string, string>, body: string): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, ca, method: 'POST', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function getTls(port: number, path: string, ca: string, token?: string): Promise<{ status: number; text: string }> {
  return httpsCall(port, path, ca, token ? { authorization: `Bearer ${token}` } : {});
}

describe('serve with HEC, local store, metrics and the auditor view', () => {
  const pki = makeTestPki();
  let tmp: ReturnType<typeof tempDir>;
  let hec: HecTestServer;
  let running: RunningServe;
  let auditorPort = 0;
  let metricsPort = 0;
  const logs = new LogCapture();

  beforeAll(async () => {
    tmp = tempDir('riskgate-serve-events-');
    hec = await new HecTestServer({ token: HEC_TOKEN, ack: true }).start();
    writeFileSync(join(tmp.dir, 'tls.crt'), pki.serving.cert);
    writeFileSync(join(tmp.dir, 'tls.key'), pki.serving.key);
    writeFileSync(join(tmp.dir, 'hec-token'), `${HEC_TOKEN}\n`);
    writeFileSync(join(tmp.dir, 'auditor-token'), `${AUDITOR_TOKEN}\n`);
    writeFileSync(join(tmp.dir, 'policy.yaml'), 'rules:\n  kubernetes-node-port-creation: {action: deny}\n');
    running = await startServe(
      {
        host: '127.0.0.1',
        port: 0,
        policy: join(tmp.dir, 'policy.yaml'),
        tlsCert: join(tmp.dir, 'tls.crt'),
        tlsKey: join(tmp.dir, 'tls.key'),
        certsDir: join(tmp.dir, 'certs'),
        logLevel: 'info',
        drainTimeout: 1,
        dataDir: join(tmp.dir, 'data'),
        hecUrl: hec.url,
        hecInsecure: true,
        hecTokenFile: join(tmp.dir, 'hec-token'),
        hecIndex: 'k8s_risk',
        hecSource: 'riskgate',
        hecAck: true,
        spoolMaxMb: 16,
        metricsPort: 0,
        auditorPort: 0,
        auditorTokenFile: join(tmp.dir, 'auditor-token'),
      },
      { extensions: [riskEventsServeExtension], destination: logs },
    );
    const listening = (msg: string) => String(logs.lines.find((l) => l['msg'] === msg)?.['url'] ?? '');
    metricsPort = Number(new URL(listening('metrics listening')).port);
    auditorPort = Number(new URL(listening('auditor view listening')).port);
  });
  afterAll(async () => {
    await running?.shutdown('test');
    await hec.close();
    tmp.remove();
  });

  test('a denied NodePort Service: the answer, then the event at HEC (acknowledged), on disk, in /metrics and in the auditor view', async () => {
    const answer = await httpsCall(running.address.port, '/validate', pki.ca.cert, { 'content-type': 'application/json' }, JSON.stringify(capturedReview('001')));
    expect((JSON.parse(answer.text) as { response: { allowed: boolean } }).response.allowed).toBe(false);

    await hec.waitFor(() => hec.indexed.length === 1, 20_000, 'the risk event at HEC');
    const delivered = hec.indexed[0]!;
    expect(delivered).toMatchObject({ index: 'k8s_risk', source: 'riskgate', sourcetype: 'riskgate:risk' });
    const event = delivered.event as unknown as RiskEvent;
    expect(event.rule_id).toBe('kubernetes-node-port-creation');

    await waitUntil(() => readEventStore(join(tmp.dir, 'data')).events.length === 1, 'the event in the data dir');
    expect(readEventStore(join(tmp.dir, 'data')).events[0]!.event_id).toBe(event.event_id);

    const scrape = parseExposition(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text());
    expect(valueOf(scrape, 'riskgate_reviews_total', { rule: 'kubernetes-node-port-creation', action: 'deny', result: 'denied' })).toBe(1);
    expect(valueOf(scrape, 'riskgate_certificate_expiry_days')).toBeGreaterThan(1);

    expect((await getTls(auditorPort, '/api/events', pki.ca.cert)).status).toBe(401);
    const api = await getTls(auditorPort, '/api/events?rule=kubernetes-node-port-creation', pki.ca.cert, AUDITOR_TOKEN);
    expect(api.status).toBe(200);
    expect((JSON.parse(api.text) as { events: RiskEvent[] }).events.map((e) => e.event_id)).toEqual([event.event_id]);
  });

  test('the auditor port: a sealed sign-in cookie keyed on the serving key; ten wrong tokens, then 429, each refusal counted on /metrics', async () => {
    const login = await httpsCallHeaders(auditorPort, '/login', pki.ca.cert, { 'content-type': 'application/x-www-form-urlencoded' }, `token=${AUDITOR_TOKEN}`);
    expect(login.status).toBe(303);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    expect(cookie).toMatch(/^riskgate_auditor_token=v1\./);
    expect(cookie).not.toContain(AUDITOR_TOKEN);
    for (let i = 0; i < 10; i++) expect((await getTls(auditorPort, '/api/events', pki.ca.cert, `wrong-token-${i}-0123456789`)).status).toBe(401);
    expect((await getTls(auditorPort, '/api/events', pki.ca.cert, 'wrong-token-10-0123456789')).status).toBe(429);
    expect((await httpsCall(auditorPort, '/api/events', pki.ca.cert, { cookie })).status).toBe(200);
    const scrape = parseExposition(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text());
    expect(valueOf(scrape, 'riskgate_auditor_refused_total', { reason: 'rate-limited' })).toBe(1);
    expect(valueOf(scrape, 'riskgate_auditor_refused_total', { reason: 'unauthenticated' })).toBeGreaterThanOrEqual(10);
    expect(logs.lines.some((l) => l['msg'] === 'auditor view: too many failed sign-ins from this address; answered 429 without checking the token')).toBe(true);
  });
});
