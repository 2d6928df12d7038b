// `riskgate serve --otlp-port`: metric findings reach the same sinks as review findings (log, local event store), restarts keep the baseline.
import { join } from 'node:path';
import { startServe, type RunningServe } from '../../src/cli/serve-runtime.js';
import { serveExtensions } from '../../src/cli/serve-extensions.js';
import { otlpServeExtension } from '../../src/otlp/otlp-serve-extension.js';
import { riskEventsServeExtension } from '../../src/sinks/risk-events-serve-extension.js';
import { readEventStore } from '../../src/sinks/event-store-reader.js';
import { encodeMetricsProtobuf } from '../../src/otlp/otlp-protobuf.js';
import { LogCapture, makeTestPki } from '../webhook/tls-harness.js';
import { tempDir, waitUntil } from '../sinks/sink-test-kit.js';
import { riskgate } from '../replay/cli-process.js';
import { edgePayload } from './collector-payload.js';
import { writeFileSync } from 'node:fs';

// The live receiver refuses points stamped longer than the window before their receive time: stamp them just now.
const T0 = Date.now() - 60_000;
const LATER = 30_000;

describe('serve with the OTLP metrics receiver', () => {
  const pki = makeTestPki();
  let tmp: ReturnType<typeof tempDir>;

  beforeAll(() => {
    tmp = tempDir('riskgate-serve-otlp-');
    writeFileSync(join(tmp.dir, 'tls.crt'), pki.serving.cert);
    writeFileSync(join(tmp.dir, 'tls.key'), pki.serving.key);
  });
  afterAll(() => tmp.remove());

  async function serve(logs: LogCapture): Promise<{ running: RunningServe; url: string }> {
    const running = await startServe(
      {
        host: '127.0.0.1',
        port: 0,
        tlsCert: join(tmp.dir, 'tls.crt'),
        tlsKey: join(tmp.dir, 'tls.key'),
        certsDir: join(tmp.dir, 'certs'),
        logLevel: 'info',
        drainTimeout: 1,
        dataDir: join(tmp.dir, 'data'),
        hecSource: 'riskgate',
        spoolMaxMb: 16,
        otlpPort: 0,
        warmup: '0s',
      },
      { extensions: [riskEventsServeExtension, otlpServeExtension], destination: logs },
    );
    const url = String((await logs.waitFor('OTLP metrics receiver listening', {}, 0))['url']);
    return { running, url };
  }

  const send = (url: string, payload: object) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: encodeMetricsProtobuf(payload) });

  test('a new edge becomes a risk event in the log and the local event store; after a restart the edge is known', async () => {
    const logs = new LogCapture();
    const first = await serve(logs);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/metrics$/);
    expect((await send(first.url, edgePayload([{ cluster: 'prod-eu', source: 'frontend', dest: 'cart', timeMs: T0 }]))).status).toBe(200);
    const logged = logs.lines.filter((l) => l['msg'] === 'riskgate.risk_event');
    expect(logged).toEqual([expect.objectContaining({ rule_id: 'kubernetes-newly-seen-tcp-edge', risk_object: 'prod-eu', source: 'metrics', risk_score: 25 })]);
    await first.running.shutdown('test');
    const stored = readEventStore(join(tmp.dir, 'data')).events;
    expect(stored.map((e) => `${e.rule_id} ${e.fields['dest.workload.name']}`)).toEqual(['kubernetes-newly-seen-tcp-edge cart']);

    const again = new LogCapture();
    const second = await serve(again);
    expect((await logs.waitFor('OTLP metrics receiver listening', {}, 0))['edges']).toBe(0);
    expect((await again.waitFor('OTLP metrics receiver listening', {}, 0))['edges']).toBe(1);
    await send(second.url, edgePayload([{ cluster: 'prod-eu', source: 'frontend', dest: 'cart', timeMs: T0 + LATER }, { cluster: 'prod-eu', source: 'frontend', dest: 'admin', timeMs: T0 + LATER }]));
    await waitUntil(() => again.lines.some((l) => l['msg'] === 'riskgate.risk_event'), 'the second risk event');
    expect(again.lines.filter((l) => l['msg'] === 'riskgate.risk_event').map((l) => (l['fields'] as Record<string, string>)['dest.workload.name'])).toEqual(['admin']);
    await second.running.shutdown('test');
  });

  test('refusals are counted on /metrics: an unauthenticated request, and points stamped before the baseline window', async () => {
    const tokenFile = join(tmp.dir, 'otlp-token');
    writeFileSync(tokenFile, 'sesame\n');
    const logs = new LogCapture();
    const running = await startServe(
      {
        host: '127.0.0.1', port: 0, tlsCert: join(tmp.dir, 'tls.crt'), tlsKey: join(tmp.dir, 'tls.key'), certsDir: join(tmp.dir, 'certs'),
        logLevel: 'info', drainTimeout: 1, dataDir: join(tmp.dir, 'data-refusals'), hecSource: 'riskgate', spoolMaxMb: 16,
        otlpPort: 0, otlpTokenFile: tokenFile, warmup: '0s', metricsPort: 0,
      },
      { extensions: [riskEventsServeExtension, otlpServeExtension], destination: logs },
    );
    try {
      const url = String((await logs.waitFor('OTLP metrics receiver listening', {}, 0))['url']);
      const metricsUrl = String((await logs.waitFor('metrics listening', {}, 0))['url']);
      const body = encodeMetricsProtobuf(edgePayload([{ cluster: 'prod-eu', source: 'frontend', dest: 'cart', timeMs: Date.now() - 60 * 86_400_000 }]));
      expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body })).status).toBe(401);
      const authorized = { 'content-type': 'application/x-protobuf', authorization: 'Bearer sesame' };
      expect((await fetch(url, { method: 'POST', headers: authorized, body })).status).toBe(200);
      const metrics = await (await fetch(metricsUrl)).text();
      expect(metrics).toContain('riskgate_otlp_refused_total{reason="unauthenticated"} 1');
      expect(metrics).toContain('riskgate_baseline_refused_total{reason="stale"} 1');
    } finally {
      await running.shutdown('test');
    }
  });

  test('a busy OTLP port stops start-up with a message naming the option', async () => {
    const logs = new LogCapture();
    const first = await serve(logs);
    const port = Number(new URL(first.url).port);
    const error = await startServe(
      { host: '127.0.0.1', port: 0, tlsCert: join(tmp.dir, 'tls.crt'), tlsKey: join(tmp.dir, 'tls.key'), certsDir: join(tmp.dir, 'certs'), logLevel: 'info', drainTimeout: 1, dataDir: join(tmp.dir, 'other'), otlpPort: port },
      { extensions: [otlpServeExtension], destination: new LogCapture() },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`cannot listen on 127.0.0.1:${port} (--otlp-port): EADDRINUSE`);
    await first.running.shutdown('test');
  });

  test('an unauthenticated receiver on an address others reach stops start-up unless --otlp-insecure says so', async () => {
    const options = { host: '0.0.0.0', port: 0, tlsCert: join(tmp.dir, 'tls.crt'), tlsKey: join(tmp.dir, 'tls.key'), certsDir: join(tmp.dir, 'certs'), logLevel: 'info', drainTimeout: 1, dataDir: join(tmp.dir, 'exposed'), otlpPort: 0 };
    const error = await startServe(options, { extensions: [otlpServeExtension], destination: new LogCapture() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'OTLP_UNAUTHENTICATED' });
    expect((error as Error).message).toContain('the OTLP receiver on 0.0.0.0 would take metrics from anyone who reaches it');
    const logs = new LogCapture();
    const running = await startServe({ ...options, otlpInsecure: true }, { extensions: [otlpServeExtension], destination: logs });
    try {
      const warning = await logs.waitFor('the OTLP receiver authenticates nobody: anyone who can reach it feeds the baseline (set --otlp-token-file or --otlp-client-ca)', {}, 0);
      expect(warning).toMatchObject({ level: 'warn', insecure: true });
    } finally {
      await running.shutdown('test');
    }
  });

  test('serve --help lists the receiver options; the extension is registered', async () => {
    expect(serveExtensions).toContain(otlpServeExtension);
    const help = await riskgate(['serve', '--help']);
    for (const option of ['--otlp-port <port>', '--otlp-host <host>', '--baseline-window <duration>', '--warmup <duration>', '--shells <list>', '--data-dir <dir>']) {
      expect(help.stdout).toContain(option);
    }
  });
});
