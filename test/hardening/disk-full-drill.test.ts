// Fault drill: the spool's disk fills up (a file size limit on the real serve process makes appends fail) and frees again, under review load.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { readEventStore } from '../../src/sinks/event-store-reader.js';
import { parseExposition, valueOf } from '../metrics/prometheus-text.js';
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

/**
 * 64 blocks of 512 bytes (`ulimit -f`): the active spool segment can grow to 32 KiB, a few dozen events, then every
 * append fails with EFBIG as on a full disk. --spool-max-mb 1 makes segments 128 KiB, so no rotation escapes the limit.
 */
const FILE_SIZE_BLOCKS = 64;

async function droppedMetric(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return valueOf(parseExposition(text), 'riskgate_risk_events_dropped_total', { sink: 'store', reason: 'write-failed' }) ?? 0;
}

/** Lifts the soft file size limit of the running process: the disk has room again. */
function freeDisk(pid: number): void {
  execFileSync('prlimit', ['--pid', String(pid), '--fsize=unlimited:']);
}

describe('disk full for the spool (real serve process under a file size limit)', () => {
  afterEach(endDrill);
  const tmp = tempDir('disk-full-drill');
  afterAll(() => tmp.remove());

  test('appends fail: every review is still answered per policy, the error and the lost events are logged and counted, and storing resumes once there is room', async () => {
    const pki = makeTestPki();
    const files = writeServeFiles(tmp.dir, pki, VERDICT_POLICY);
    const serve = await spawnServe([...files.args, '--spool-max-mb', '1', '--metrics-port', '0'], { fileSizeBlocks: FILE_SIZE_BLOCKS });
    try {
      const metricsPort = serve.portOf('metrics listening');
      const load = startLoad({ port: serve.port, ca: pki.ca.cert, clients: DRILL_CLIENTS, bodies: BODIES, keepAlive: true });

      // The disk fills: the first refused append is logged as an error naming the spool, the cause and the events lost.
      const refused = await serve.logs.waitFor('risk sink refused events', { sink: 'store' }, 0);
      expect(refused['level']).toBe('error');
      const error = refused['error'] as { code: string; message: string };
      expect(error.code).toBe('spool-write-failed');
      expect(error.message).toContain(`cannot append to the spool in ${join(files.dataDir, 'spool')}`);
      expect(error.message).toMatch(/EFBIG|file too large/i);

      // Reviews keep being answered while the disk is full.
      const fullFrom = load.answered();
      await load.untilAnswered(DRILL_REVIEWS);
      expect(await droppedMetric(metricsPort)).toBeGreaterThan(0);

      // Room again: events are stored from the next review on.
      const freedFrom = serve.logs.lines.length;
      freeDisk(serve.pid);
      await serve.logs.waitFor('risk sink accepts events again', { sink: 'store' }, freedFrom);
      await load.untilAnswered(DRILL_REVIEWS);
      const outcomes = await load.stop();
      const dropped = await droppedMetric(metricsPort);
      expect(await serve.stop()).toEqual({ code: 0, signal: null });

      // Admission answered every review per policy: deny still denies; warn and record are allowed (warn with its warning).
      expect(outcomes.filter((o) => o.status === undefined).map((o: Outcome) => `${o.uid}: ${o.error}`)).toEqual([]);
      for (const o of outcomes) {
        const answer = admissionAnswer(o);
        expect({ kind: o.kind, allowed: answer.allowed, warned: (answer.warnings ?? []).length > 0 }).toEqual({ kind: o.kind, allowed: o.kind !== 'deny', warned: o.kind === 'warn' });
      }

      // No event lost silently: stored (whole lines only) + counted as dropped = every event the reviews made.
      const stored = readEventStore(files.dataDir);
      expect(stored.skippedLines).toBe(0);
      const expected = expectedEventIds(outcomes, BODIES, policyOf(VERDICT_POLICY, files.policy));
      const storedIds = new Set(stored.events.map((e) => e.event_id));
      expect([...storedIds].filter((id) => !expected.has(id))).toEqual([]);
      expect(storedIds.size + dropped).toBe(expected.size);
      // The log is not flooded: one error when the disk filled, not one per review.
      const refusals = serve.logs.lines.filter((l) => l['msg'] === 'risk sink refused events');
      expect(refusals.length).toBeLessThan(5);

      const latency = latencySummary(outcomes);
      console.log(
        `disk full drill: ${outcomes.length} reviews answered (${load.answered() - fullFrom} after the disk filled), ${expected.size} events: ` +
          `${storedIds.size} stored, ${dropped} dropped and counted (riskgate_risk_events_dropped_total{reason="write-failed"}), 0 unaccounted; ` +
          `${refusals.length} error line(s); p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms`,
      );
    } finally {
      await serve.stop();
    }
  });
});
