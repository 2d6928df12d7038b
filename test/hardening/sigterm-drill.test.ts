// Fault drill: SIGTERM to the real `riskgate serve` under keep-alive review load: /readyz fails first, no review sent is dropped, exit 0, no event lost.
import { mkdirSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { readEventStore } from '../../src/sinks/event-store-reader.js';
import { tempDir } from '../webhook/serve-harness.js';
import { makeTestPki } from '../webhook/tls-harness.js';
import { expectedEventIds, policyOf } from './expected-events.js';
import { endDrill } from './drill-cleanup.js';
import { DRILL_CLIENTS, DRILL_REVIEWS } from './fuzz-settings.js';
import { admissionAnswer, dropped, latencySummary, notSent, startLoad } from './review-load.js';
import type { LoadBody, Outcome } from './review-load.js';
import { spawnServe, writeServeFiles } from './serve-process.js';
import { VERDICT_BODIES, VERDICT_POLICY } from './webhook-harness.js';

const BODIES: LoadBody[] = Object.entries(VERDICT_BODIES).map(([kind, body]) => ({ kind, body }));

interface Probe {
  at: number;
  status?: number;
  reasons?: string[];
  error?: string;
}

const epoch = (performanceTime: number) => performance.timeOrigin + performanceTime;

/** Polls GET /readyz (as the kubelet does) until the server stops answering. */
function pollReadiness(port: number, ca: string): { probes: Probe[]; done: Promise<Probe[]> } {
  const probes: Probe[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca });
  const once = () =>
    new Promise<Probe>((resolve) => {
      const at = Date.now();
      const req = request({ host: '127.0.0.1', port, path: '/readyz', agent }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ at, status: res.statusCode ?? 0, reasons: (JSON.parse(text) as { reasons: string[] }).reasons }));
      });
      req.on('error', (error: NodeJS.ErrnoException) => resolve({ at, error: error.code ?? error.message }));
      req.end();
    });
  const done = (async () => {
    for (;;) {
      const probe = await once();
      probes.push(probe);
      if (probe.error) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    agent.destroy();
    return probes;
  })();
  return { probes, done };
}

function describeOutcome(o: Outcome): string {
  return `${o.uid} ${o.kind} error=${o.error} connected=${o.connected} written=${o.written} reused=${o.reusedSocket} after ${o.ms.toFixed(0)} ms`;
}

interface DrillResult {
  answered: Outcome[];
  afterSigterm: Outcome[];
  refused: Outcome[];
  probes: Probe[];
  sigtermAt: number;
  listenerClosedAt: number;
}

/** Starts serve, loads it with keep-alive clients, sends SIGTERM after DRILL_REVIEWS answers, and checks what every drill must hold. */
async function sigtermDrill(dir: string, shutdownDelay: number): Promise<DrillResult> {
  mkdirSync(dir, { recursive: true });
  const pki = makeTestPki();
  const files = writeServeFiles(dir, pki, VERDICT_POLICY);
  const serve = await spawnServe([...files.args, '--shutdown-delay', String(shutdownDelay), '--drain-timeout', '10']);
  try {
    const readiness = pollReadiness(serve.port, pki.ca.cert);
    const load = startLoad({ port: serve.port, ca: pki.ca.cert, clients: DRILL_CLIENTS, bodies: BODIES, keepAlive: true, stopOnFailure: true });
    await load.untilAnswered(DRILL_REVIEWS);
    const sigtermAt = Date.now();
    serve.child.kill('SIGTERM');
    const exit = await serve.exited;
    const outcomes = await load.done;
    const probes = await readiness.done;

    // The process drained and exited on its own, cleanly.
    expect(exit).toEqual({ code: 0, signal: null });
    expect(serve.stderr()).toBe('');
    const draining = await serve.logs.waitFor('draining: no new connections, finishing in-flight reviews', { reason: 'SIGTERM' }, 0);
    await serve.logs.waitFor('riskgate stopped', {}, 0);
    const listenerClosedAt = Number(draining['time']);

    // No review that went out on a connection was left without an answer.
    expect(outcomes.filter(dropped).map(describeOutcome)).toEqual([]);
    // The only requests without an answer are those that found the listener closed (connection refused or reset before TLS).
    const refused = outcomes.filter(notSent);
    expect(refused.length).toBeGreaterThan(0);
    for (const o of refused) expect(epoch(o.startedAt + o.ms)).toBeGreaterThanOrEqual(listenerClosedAt);

    // Every answer is a valid AdmissionReview for its own request, with the policy's verdict.
    const answered = outcomes.filter((o) => o.status !== undefined);
    for (const o of answered) expect(admissionAnswer(o).allowed).toBe(o.kind !== 'deny');
    const afterSigterm = answered.filter((o) => epoch(o.startedAt) > sigtermAt);

    // Every risk event of an answered review reached the local event store before exit.
    const stored = readEventStore(files.dataDir);
    expect(stored.skippedLines).toBe(0);
    const expected = expectedEventIds(answered, BODIES, policyOf(VERDICT_POLICY, files.policy));
    expect(new Set(stored.events.map((e) => e.event_id))).toEqual(expected);

    const latency = latencySummary(answered);
    console.log(
      `SIGTERM drill (--shutdown-delay ${shutdownDelay}): ${answered.length} reviews answered (${afterSigterm.length} sent after SIGTERM), ` +
        `${refused.length} refused after close, 0 dropped; ${expected.size} events stored; p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms`,
    );
    return { answered, afterSigterm, refused, probes, sigtermAt, listenerClosedAt };
  } finally {
    await serve.stop();
  }
}

describe('SIGTERM under load (real serve process, keep-alive TLS clients)', () => {
  afterEach(endDrill);
  const tmp = tempDir('sigterm-drill');
  afterAll(() => tmp.remove());

  test('with --shutdown-delay: /readyz fails first while reviews are still answered, then none sent is dropped, exit 0, every event on disk', async () => {
    const { answered, afterSigterm, probes, listenerClosedAt } = await sigtermDrill(join(tmp.dir, 'delay'), 1);
    expect(afterSigterm.length).toBeGreaterThan(0);
    // /readyz said "draining" before the listener closed, while reviews were still answered; never ready again after.
    const firstNotReady = probes.findIndex((p) => p.status === 503);
    expect(firstNotReady).toBeGreaterThan(0);
    const notReadyAt = probes[firstNotReady]!.at;
    expect(probes[firstNotReady]!.reasons).toEqual(['draining']);
    expect(notReadyAt).toBeLessThan(listenerClosedAt);
    expect(probes.slice(firstNotReady).filter((p) => p.status === 200)).toEqual([]);
    expect(answered.filter((o) => epoch(o.startedAt) > notReadyAt).length).toBeGreaterThan(0);
  });

  test("without a shutdown delay (serve's default, --shutdown-delay 0): reviews already on their keep-alive connections are answered, not reset", async () => {
    const { answered } = await sigtermDrill(join(tmp.dir, 'no-delay'), 0);
    expect(answered.length).toBeGreaterThanOrEqual(DRILL_REVIEWS);
  });
});
