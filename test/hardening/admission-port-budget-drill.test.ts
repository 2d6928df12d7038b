// Fault drill (issue 17, finding 5): 250 connections trickling 3 MiB bodies and 6,000 idle connections against the real `riskgate serve`; RSS stays under the chart's 256 Mi and a review from the API server's address is answered within 1 s.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '../webhook/serve-harness.js';
import { makeTestPki, TlsClient } from '../webhook/tls-harness.js';
import { endDrill } from './drill-cleanup.js';
import { spawnServe, writeServeFiles, type ServeProcess } from './serve-process.js';
import { VERDICT_BODIES, VERDICT_POLICY, withUid } from './webhook-harness.js';

const CHART_MEMORY_LIMIT = 256 * 1024 * 1024;
const BODY = 3 * 1024 * 1024;
const IDLE_ATTACKER = join(dirname(fileURLToPath(import.meta.url)), 'idle-connections.mjs');
const TRICKLING_ATTACKER = join(dirname(fileURLToPath(import.meta.url)), 'trickling-bodies.mjs');
const execFileAsync = promisify(execFile);

/** Peak resident memory of a process so far (VmHWM), in bytes. */
function peakRss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'))!;
  return Number(/(\d+)/.exec(line)![1]) * 1024;
}

/** Reviews from 127.0.0.1 every 50 ms until `until` resolves: each must be a 200 deny within 1 s. */
async function reviewWhile(client: TlsClient, until: Promise<unknown>): Promise<number[]> {
  let done = false;
  void until.finally(() => (done = true));
  const latencies: number[] = [];
  for (let i = 0; !done; i++) {
    const started = performance.now();
    const answer = await client.postJson('/validate', withUid(VERDICT_BODIES.deny, `budget-${i}`));
    latencies.push(performance.now() - started);
    expect(answer.status).toBe(200);
    expect((answer.json()['response'] as { allowed: boolean }).allowed).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
  }
  return latencies;
}

/** riskgate_admission_connections_refused_total for a reason, from the metrics port. */
async function refused(reason: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${serve.portOf('metrics listening')}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`riskgate_admission_connections_refused_total{reason="${reason}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}


let dir: { dir: string; remove(): void };
let serve: ServeProcess;
let ca: string;
let client: TlsClient;

beforeEach(async () => {
  dir = tempDir('riskgate-port-budget-');
  const pki = makeTestPki();
  ca = pki.ca.cert;
  const files = writeServeFiles(dir.dir, pki, VERDICT_POLICY);
  serve = await spawnServe([...files.args, '--metrics-port', '0']);
  client = new TlsClient(serve.port, ca);
  // The API server's connection is open before the attack, as its keep-alive pool is.
  expect((await client.postJson('/validate', withUid(VERDICT_BODIES.deny, 'warm-up'))).status).toBe(200);
});
afterEach(async () => {
  client.close();
  await endDrill();
  dir.remove();
});

test('250 connections sending 3 MiB bodies to their last byte, from four addresses: each gets 503 or is cut, RSS < 256 Mi, reviews < 1 s', async () => {
  // The attacker is a process of its own: this one's event loop only sends and times the reviews.
  const attacker = execFileAsync(process.execPath, [TRICKLING_ATTACKER, String(serve.port), join(dir.dir, 'ca.crt'), '250', '4', String(BODY), '6000'], { maxBuffer: 1 << 20 });
  const latencies = await reviewWhile(client, attacker);
  const report = JSON.parse((await attacker).stdout) as { opened: number; answered200: number };
  expect(report.opened).toBe(250);
  // None was ever reviewed; past the budget each got 503 or lost its connection (the 503 may be lost in the reset).
  expect(report.answered200).toBe(0);
  expect(await refused('body_budget')).toBeGreaterThan(150);
  expect(latencies.length).toBeGreaterThan(20);
  expect(Math.max(...latencies)).toBeLessThan(1000);
  expect(peakRss(serve.pid)).toBeLessThan(CHART_MEMORY_LIMIT);
}, 90_000);

test('6,000 idle connections from 12 addresses: capped per address and in all, idle ones closed early, RSS < 256 Mi, reviews < 1 s', async () => {
  const caFile = join(dir.dir, 'ca.crt');
  // The attacker is a process of its own: this one's event loop only sends and times the reviews.
  const attacker = execFileAsync(process.execPath, [IDLE_ATTACKER, String(serve.port), caFile, '6000', '12', '200', '15000'], { maxBuffer: 1 << 20 });
  const latencies = await reviewWhile(client, attacker);
  const report = JSON.parse((await attacker).stdout) as { opened: number; most: number; stillOpen: number };
  // riskgate holds 1024 at most; the attacker learns of a close only when it reads the FIN, up to a batch late.
  expect(report.most).toBeLessThanOrEqual(1024 + 200);
  // Every idle one was closed: after 5 s while crowded, and any that never sent a request after 10 s.
  expect(report.stillOpen).toBe(0);
  const started = performance.now();
  expect((await client.postJson('/validate', withUid(VERDICT_BODIES.deny, 'after'))).status).toBe(200);
  expect(performance.now() - started).toBeLessThan(1000);
  expect(latencies.length).toBeGreaterThan(5);
  expect(Math.max(...latencies)).toBeLessThan(1000);
  // How many are refused depends on how fast the idle ones are closed meanwhile; some always are.
  expect((await refused('peer_connection_limit')) + (await refused('too_many_connections'))).toBeGreaterThan(100);
  expect(peakRss(serve.pid)).toBeLessThan(CHART_MEMORY_LIMIT);
}, 120_000);
