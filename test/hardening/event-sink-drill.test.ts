// Fault drill: the HEC event sink stalls, drops connections and answers 503 while the real serve process reviews; answers keep flowing, no event is lost.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEC_DEFAULTS } from '../../src/sinks/hec-sink.js';
import { HecTestServer } from '../sinks/hec-test-server.js';
import { tempDir } from '../webhook/serve-harness.js';
import { makeTestPki } from '../webhook/tls-harness.js';
import { expectedEventIds, policyOf } from './expected-events.js';
import { endDrill } from './drill-cleanup.js';
import { DRILL_CLIENTS, DRILL_REVIEWS } from './fuzz-settings.js';
import { admissionAnswer, latencySummary, startLoad } from './review-load.js';
import type { LoadBody, Outcome } from './review-load.js';
import { spawnServe, writeServeFiles } from './serve-process.js';
import { VERDICT_BODIES, VERDICT_POLICY } from './webhook-harness.js';

const BODIES: LoadBody[] = Object.entries(VERDICT_BODIES).map(([kind, body]) => ({ kind, body }));
const TOKEN = 'drill-hec-token';

/**
 * Loose on purpose (a shared CI machine): a review must never wait for the sink's request timeout, and the faulty
 * phases' p99 may not exceed ten times the healthy one (with a floor for a noisy machine).
 */
const P99_FACTOR = 10;
const P99_FLOOR_MS = 2_000;

const fmt = (s: ReturnType<typeof latencySummary>) => `p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(0)} ms (n=${s.n})`;

describe('event sink stalled or failing (real serve process, HEC test server)', () => {
  afterEach(endDrill);
  const tmp = tempDir('event-sink-drill');
  let hec: HecTestServer;
  afterAll(async () => {
    await hec?.close();
    tmp.remove();
  });

  test('a HEC that stalls, resets and answers 503: admission answers keep their latency, and after recovery every event is delivered', async () => {
    hec = await new HecTestServer({ token: TOKEN }).start();
    const pki = makeTestPki();
    const files = writeServeFiles(tmp.dir, pki, VERDICT_POLICY);
    writeFileSync(join(tmp.dir, 'hec-token'), `${TOKEN}\n`);
    const serve = await spawnServe([...files.args, '--hec-url', hec.url, '--hec-insecure', '--hec-token-file', join(tmp.dir, 'hec-token')]);
    try {
      const load = startLoad({ port: serve.port, ca: pki.ca.cert, clients: DRILL_CLIENTS, bodies: BODIES, keepAlive: true });
      const phases: Array<{ name: string; since: number }> = [{ name: 'warm-up', since: 0 }];
      const enter = (name: string) => phases.push({ name, since: performance.now() });

      await load.untilAnswered(Math.ceil(DRILL_REVIEWS / 3));
      enter('healthy');
      await load.untilAnswered(DRILL_REVIEWS);
      await hec.waitFor(() => hec.received.length > 0, 20_000, 'a first delivery while healthy');

      // Stalled: HEC takes the POST and never answers. Nothing more arrives there while reviews go on.
      await hec.setMode('stall');
      enter('stalled');
      const receivedBeforeStall = hec.received.length;
      await load.untilAnswered(DRILL_REVIEWS);
      expect(hec.received.length).toBe(receivedBeforeStall);

      // The stalled connection is reset, then HEC is busy (503) until it has refused at least one batch.
      const failingFrom = serve.logs.lines.length;
      await hec.setMode('refuse');
      await hec.setMode('busy');
      enter('failing');
      const failing = await serve.logs.waitFor('HEC delivery failing; risk events stay in the spool and are retried', {}, failingFrom);
      expect(String(failing['detail'])).toMatch(/ECONNRESET|socket hang up/);
      await Promise.all([load.untilAnswered(DRILL_REVIEWS), hec.waitFor(() => hec.statuses.includes(503), 30_000, 'a 503 answer')]);

      // Recovery: every risk event of every answered review reaches HEC (at least once).
      await hec.setMode('ok');
      enter('recovered');
      const outcomes = await load.stop();
      const expected = expectedEventIds(outcomes, BODIES, policyOf(VERDICT_POLICY, files.policy));
      const missing = () => {
        const indexed = hec.uniqueIndexedIds();
        return [...expected].filter((id) => !indexed.has(id));
      };
      await hec.waitFor(() => missing().length === 0, 30_000, 'every risk event at HEC after recovery').catch((error: Error) => {
        const sinkLines = serve.logs.lines.filter((l) => String(l['msg']).startsWith('HEC') || String(l['msg']).startsWith('spool'));
        throw new Error(`${error.message}: ${missing().length} of ${expected.size} missing, HEC received ${hec.received.length}, statuses ${hec.statuses.length}; serve: ${JSON.stringify(sinkLines)}`);
      });
      await serve.logs.waitFor('HEC delivery recovered', {}, failingFrom);
      expect(await serve.stop()).toEqual({ code: 0, signal: null });

      expect(outcomes.filter((o) => o.status === undefined).map((o) => `${o.uid}: ${o.error}`)).toEqual([]);
      for (const o of outcomes) expect(admissionAnswer(o).allowed).toBe(o.kind !== 'deny');

      const phaseOf = (o: Outcome) => phases.filter((p) => p.since <= o.startedAt).at(-1)!.name;
      const healthy = latencySummary(outcomes.filter((o) => phaseOf(o) === 'healthy'));
      const faulty = latencySummary(outcomes.filter((o) => ['stalled', 'failing'].includes(phaseOf(o))));
      expect(faulty.max).toBeLessThan(HEC_DEFAULTS.requestTimeoutMs);
      expect(faulty.p99).toBeLessThan(Math.max(P99_FACTOR * healthy.p99, P99_FLOOR_MS));

      const statuses = hec.statuses.reduce<Record<number, number>>((n, s) => ({ ...n, [s]: (n[s] ?? 0) + 1 }), {});
      console.log(
        `event sink drill: ${outcomes.length} reviews answered, ${expected.size} events, all delivered after recovery ` +
          `(${hec.received.length} received incl. resent; HEC statuses ${JSON.stringify(statuses)}); ` +
          `healthy sink ${fmt(healthy)}; stalled/failing sink ${fmt(faulty)}; p99 ratio ${(faulty.p99 / healthy.p99).toFixed(2)}`,
      );
    } finally {
      await serve.stop();
    }
  });
});
