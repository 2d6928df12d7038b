// The event store keeps every decision: the same captured review recorded, then denied after a policy change, shows twice under one event_id; a re-sent copy shows once.
import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { startServe, type RunningServe } from '../../src/cli/serve-runtime.js';
import type { RiskEvent } from '../../src/outputs/risk-event.js';
import { readEventStore } from '../../src/sinks/event-store-reader.js';
import { riskEventsServeExtension } from '../../src/sinks/risk-events-serve-extension.js';
import { SpoolSink } from '../../src/sinks/spool-sink.js';
import { requireBuiltCli, runCli } from '../check/cli-run.js';
import { capturedReview } from '../fixture-path.js';
import { LogCapture, makeTestPki } from '../webhook/tls-harness.js';
import { sampleEvents } from './risk-event-samples.js';
import { tempDir, waitUntil } from './sink-test-kit.js';

const QUIET = { info() {}, warn() {}, error() {} };

function review(port: number, ca: string, body: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/validate', ca, method: 'POST', headers: { 'content-type': 'application/json' }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { response: { allowed: boolean } }).response.allowed));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the event store keeps every decision', () => {
  test('a copy sent again (same event_id, action and time) is read once; another decision on the same request is kept', async () => {
    const tmp = tempDir('riskgate-store-decisions-');
    try {
      const dataDir = join(tmp.dir, 'data');
      const store = new SpoolSink({ dataDir, maxBytes: 1 << 20, archiveMaxBytes: 1 << 20, fsyncIntervalMs: 50, sinkName: 'store', log: QUIET, observer: { dropped() {}, deliveryFailed() {}, delivered() {} } });
      const recorded = { ...sampleEvents(1)[0]!, action: 'record' as const };
      const denied = { ...recorded, action: 'deny' as const, time: '2026-11-20T10:05:00.000Z' };
      store.write([recorded, recorded, denied]);
      await store.close();
      const read = readEventStore(dataDir);
      expect(read.events.map((e) => [e.event_id, e.action])).toEqual([
        [recorded.event_id, 'record'],
        [recorded.event_id, 'deny'],
      ]);
      expect(read.duplicates).toBe(1);
    } finally {
      tmp.remove();
    }
  });

  describe('riskgate serve, the same captured review before and after the policy denies it', () => {
    const pki = makeTestPki();
    const logs = new LogCapture();
    let tmp: ReturnType<typeof tempDir>;
    let running: RunningServe;
    let dataDir = '';

    beforeAll(async () => {
      requireBuiltCli();
      tmp = tempDir('riskgate-serve-decisions-');
      dataDir = join(tmp.dir, 'data');
      writeFileSync(join(tmp.dir, 'tls.crt'), pki.serving.cert);
      writeFileSync(join(tmp.dir, 'tls.key'), pki.serving.key);
      writeFileSync(join(tmp.dir, 'policy.yaml'), 'rules:\n  kubernetes-node-port-creation: {action: record}\n');
      running = await startServe(
        { host: '127.0.0.1', port: 0, policy: join(tmp.dir, 'policy.yaml'), tlsCert: join(tmp.dir, 'tls.crt'), tlsKey: join(tmp.dir, 'tls.key'), certsDir: join(tmp.dir, 'certs'), logLevel: 'info', drainTimeout: 1, dataDir, spoolMaxMb: 16 },
        { extensions: [riskEventsServeExtension], destination: logs },
      );
    });
    afterAll(async () => {
      await running?.shutdown('test');
      tmp?.remove();
    });

    test('riskgate events lists the record and the later deny, with one event_id; --action deny finds the deny', async () => {
      const body = JSON.stringify(capturedReview('001'));
      expect(await review(running.address.port, pki.ca.cert, body)).toBe(true);
      writeFileSync(join(tmp.dir, 'policy.yaml'), 'rules:\n  kubernetes-node-port-creation: {action: deny}\n');
      await waitUntil(() => logs.lines.some((l) => l['msg'] === 'policy reloaded'), 'the deny policy in force');
      expect(await review(running.address.port, pki.ca.cert, body)).toBe(false);
      await waitUntil(() => readEventStore(dataDir).events.length === 2, 'both decisions in the data dir');

      const all = await runCli(['events', '--data-dir', dataDir, '--output', 'json'], tmp.dir);
      expect(all.code).toBe(0);
      const listed = JSON.parse(all.stdout) as RiskEvent[];
      expect(listed.map((e) => e.action)).toEqual(['deny', 'record']);
      expect(new Set(listed.map((e) => e.event_id)).size).toBe(1);

      const denials = await runCli(['events', '--data-dir', dataDir, '--action', 'deny', '--output', 'json'], tmp.dir);
      expect((JSON.parse(denials.stdout) as RiskEvent[]).map((e) => [e.rule_id, e.action])).toEqual([['kubernetes-node-port-creation', 'deny']]);
    });
  });
});
