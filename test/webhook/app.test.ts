// The app's own behaviour over TLS: health and readiness, draining, observers, a failing sink, keep-alive, the log sink's lines.
import { defaultPolicy } from '../../src/engine/policy.js';
import { LogSink, RISK_EVENT_MESSAGE } from '../../src/outputs/log-sink.js';
import { MemorySink } from '../../src/outputs/risk-sink.js';
import type { RiskSink } from '../../src/outputs/risk-sink.js';
import { RiskgateError } from '../../src/riskgate-error.js';
import { RULES } from '../../src/rules/catalog.js';
import type { ReviewResult } from '../../src/webhook/review.js';
import { capturedReview } from '../fixture-path.js';
import { LogCapture, makeTestPki, startTestServer, testLogger } from './tls-harness.js';
import type { RunningTestServer } from './tls-harness.js';

const pki = makeTestPki();
const FIXED_TIME = new Date('2026-11-23T05:29:30.000Z');

class FullDiskSink implements RiskSink {
  readonly name = 'full-disk';
  write(): void {
    throw new RiskgateError('SPOOL_FULL', 'spool is full');
  }
  async close(): Promise<void> {}
}

describe('webhook app', () => {
  const memory = new MemorySink();
  const reviews: Array<{ result: ReviewResult; durationMs: number }> = [];
  const eventLines = new LogCapture();
  let running: RunningTestServer;
  let logs: LogCapture;

  beforeAll(async () => {
    const log = testLogger();
    logs = log.logs;
    running = await startTestServer(
      {
        rules: RULES,
        policy: () => defaultPolicy(RULES),
        sinks: [new FullDiskSink(), memory, new LogSink(eventLines)],
        logger: log.logger,
        clock: () => FIXED_TIME,
        observers: [{ onReview: (result, durationMs) => reviews.push({ result, durationMs }) }, { onReview: () => { throw new Error('observer bug'); } }],
      },
      pki,
    );
  });
  afterAll(() => running.close());

  test('/healthz and /readyz answer 200 when ready', async () => {
    expect((await running.client.send('GET', '/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await running.client.send('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', reasons: [] });
  });

  test('a failing sink and a failing observer do not keep the answer or the other sinks from working', async () => {
    const answer = await running.client.postJson('/validate', capturedReview('001'));
    expect(answer.status).toBe(200);
    expect(memory.events.map((e) => e.rule_id)).toEqual(['kubernetes-node-port-creation']);
    expect(logs.lines).toContainEqual(expect.objectContaining({ level: 'error', sink: 'full-disk', msg: 'risk sink refused events', error: { code: 'SPOOL_FULL', message: 'spool is full' } }));
    expect(logs.lines).toContainEqual(expect.objectContaining({ level: 'error', msg: 'review observer failed' }));
  });

  test('observers get the result and a duration', () => {
    const last = reviews[reviews.length - 1]!;
    expect(last.result.request.uid).toBe('c2ca8c7a-4697-47c9-bccf-b1cf42eeb4f2');
    expect(last.result.scope).toBe('all');
    expect(last.result.decision.verdicts.map((v) => v.action)).toEqual(['record']);
    expect(last.durationMs).toBeGreaterThanOrEqual(0);
  });

  test('the log sink writes each risk event as one JSON line with the ESCU fields', () => {
    const lines = eventLines.lines;
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual({
      level: 'info',
      msg: RISK_EVENT_MESSAGE,
      event_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      time: '2026-11-23T05:29:30.000Z',
      search_name: 'ESCU - Kubernetes Node Port Creation - Rule',
      rule_id: 'kubernetes-node-port-creation',
      action: 'record',
      source: 'admission',
      risk_object: 'admin',
      risk_object_type: 'user',
      risk_score: 20,
      risk_message: 'Kubernetes node port creation from user admin',
      threat_object: [],
      threat_object_type: [],
      annotations: { mitre_attack: ['T1204'] },
      analyticstories: ['Kubernetes Security'],
      summary: 'Service default/np-svc is of type NodePort',
      fields: {
        user: 'admin',
        user_groups: ['system:authenticated', 'system:masters'],
        kind: 'Service',
        namespace: 'default',
        name: 'np-svc',
        operation: 'CREATE',
        resource: 'services',
        object_api_version: 'v1',
        uid: 'c2ca8c7a-4697-47c9-bccf-b1cf42eeb4f2',
        object_uid: '6a05fce2-c575-48c6-95dd-591feed9640d',
      },
    });
  });

  test('keep-alive: many reviews share one TLS connection', async () => {
    const before = running.server.listenerCount('secureConnection');
    let handshakes = 0;
    const count = () => handshakes++;
    running.server.on('secureConnection', count);
    for (let i = 0; i < 20; i++) expect((await running.client.postJson('/validate', capturedReview('002'))).status).toBe(200);
    running.server.off('secureConnection', count);
    expect(handshakes).toBe(0);
    expect(running.server.listenerCount('secureConnection')).toBe(before);
  });

  test('while draining, /readyz is 503 and answers close the connection; reviews are still answered', async () => {
    running.webhook.lifecycle.startDraining();
    const ready = await running.client.send('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.json()).toEqual({ status: 'not ready', reasons: ['draining'] });
    expect(ready.headers['connection']).toBe('close');
    const answer = await running.client.postJson('/validate', capturedReview('002'));
    expect(answer.status).toBe(200);
    expect(answer.headers['connection']).toBe('close');
  });
});

describe('readiness checks', () => {
  test('a failing check makes /readyz 503 and names it', async () => {
    const running = await startTestServer({ rules: RULES, policy: () => defaultPolicy(RULES), sinks: [], logger: testLogger().logger }, pki);
    let spoolWritable = false;
    running.webhook.lifecycle.addReadinessCheck('spool', () => spoolWritable);
    running.webhook.lifecycle.addReadinessCheck('broken', () => {
      throw new Error('boom');
    });
    expect((await running.client.send('GET', '/readyz')).json()).toEqual({ status: 'not ready', reasons: ['spool', 'broken'] });
    spoolWritable = true;
    expect((await running.client.send('GET', '/readyz')).json()).toEqual({ status: 'not ready', reasons: ['broken'] });
    await running.close();
  });
});
