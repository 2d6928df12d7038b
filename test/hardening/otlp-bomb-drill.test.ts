// Fault drill (issue 17, finding 2): the 20 KB OTLP bombs against the real `riskgate serve`; RSS stays under the chart's 256 Mi, reviews answer within 1 s.
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from '../webhook/serve-harness.js';
import { makeTestPki, TlsClient } from '../webhook/tls-harness.js';
import { endDrill } from './drill-cleanup.js';
import { spawnServe, writeServeFiles } from './serve-process.js';
import { VERDICT_BODIES, VERDICT_POLICY, withUid } from './webhook-harness.js';

const CHART_MEMORY_LIMIT = 256 * 1024 * 1024;
const ATTACK_MS = 8_000;

/** The bomb: `{"resourceMetrics":[{},{},…]}`, 7 M empty objects, about 20 KB gzipped. */
const JSON_BOMB = gzipSync(`{"resourceMetrics":[${'{},'.repeat(6_999_999)}{}]}`);
/** Its protobuf twin: 7 M empty resourceMetrics fields (tag 0x0a, length 0). */
const PROTOBUF_BOMB = gzipSync(Buffer.alloc(14_000_000).map((_, i) => (i % 2 === 0 ? 0x0a : 0)));

/** Peak resident memory of a process so far (VmHWM), in bytes. */
function peakRss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'))!;
  return Number(/(\d+)/.exec(line)![1]) * 1024;
}

function post(port: number, body: Buffer, type: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/metrics', method: 'POST', agent: false, headers: { 'content-type': type, 'content-encoding': 'gzip', authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

afterEach(endDrill);

test('bombs from four senders for 8 s: each is refused (413, or 429 while another is decoded), RSS < 256 Mi, every review answered < 1 s', async () => {
  expect(JSON_BOMB.length).toBeLessThan(25_000);
  const dir = tempDir('riskgate-otlp-bomb-');
  try {
    const pki = makeTestPki();
    const files = writeServeFiles(dir.dir, pki, VERDICT_POLICY);
    writeFileSync(join(dir.dir, 'otlp-token'), 'collector-token');
    const serve = await spawnServe([...files.args, '--otlp-port', '0', '--otlp-token-file', join(dir.dir, 'otlp-token')]);
    const listening = await serve.logs.waitFor('OTLP metrics receiver listening', {}, 0);
    expect(listening).toMatchObject({ thread: 'worker', authentication: 'bearer token' });
    const otlpPort = serve.portOf('OTLP metrics receiver listening');
    const client = new TlsClient(serve.port, pki.ca.cert);
    const end = Date.now() + ATTACK_MS;
    const statuses: number[] = [];
    const sender = async (bomb: Buffer, type: string) => {
      while (Date.now() < end) statuses.push(await post(otlpPort, bomb, type, 'collector-token'));
    };
    const latencies: number[] = [];
    const reviewer = async () => {
      for (let i = 0; Date.now() < end; i++) {
        const started = performance.now();
        const answer = await client.postJson('/validate', withUid(VERDICT_BODIES.deny, `bomb-${i}`));
        latencies.push(performance.now() - started);
        expect(answer.status).toBe(200);
        expect((answer.json()['response'] as { allowed: boolean }).allowed).toBe(false);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await Promise.all([sender(JSON_BOMB, 'application/json'), sender(JSON_BOMB, 'application/json'), sender(PROTOBUF_BOMB, 'application/x-protobuf'), sender(PROTOBUF_BOMB, 'application/x-protobuf'), reviewer()]);
    client.close();
    expect(statuses.filter((s) => s === 413).length).toBeGreaterThan(4);
    expect(statuses.filter((s) => s !== 413 && s !== 429)).toEqual([]);
    expect(latencies.length).toBeGreaterThan(20);
    expect(Math.max(...latencies)).toBeLessThan(1000);
    expect(peakRss(serve.pid)).toBeLessThan(CHART_MEMORY_LIMIT);
    expect(serve.logs.lines.filter((l) => l['msg'] === 'OTLP receiver thread stopped (a body past its heap?): starting a new one')).toEqual([]);
  } finally {
    await endDrill();
    dir.remove();
  }
}, 60_000);
