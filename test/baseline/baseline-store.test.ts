// The persisted baseline: survives a restart, prunes past the window, one process per directory, unreadable files named.
import { mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaselineStore } from '../../src/baseline/baseline-store.js';
import { RiskgateError } from '../../src/riskgate-error.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const DAY = 24 * 3600_000;
const WINDOW = 30 * DAY;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'riskgate-baseline-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('BaselineStore', () => {
  test('a restart keeps the edges, the warm-up start of each cluster and the reported shells', async () => {
    const first = await BaselineStore.open({ dir, windowMs: WINDOW });
    first.observe('prod', '["prod","a","b"]', T0);
    first.observe('prod', '["prod","a","c"]', T0 + DAY);
    first.markReported('shell-key', T0);
    await first.close();

    const second = await BaselineStore.open({ dir, windowMs: WINDOW });
    expect(second.lastSeen('["prod","a","b"]')).toBe(T0);
    expect(second.lastSeen('["prod","a","c"]')).toBe(T0 + DAY);
    expect(second.lastSeen('["prod","x","y"]')).toBeUndefined();
    expect(second.learningSince('prod')).toBe(T0);
    expect(second.learningSince('staging')).toBeUndefined();
    expect(second.reported('shell-key')).toBe(true);
    await second.close();
  });

  test('writes reach the data file before close (a crash after flush loses nothing)', async () => {
    const store = await BaselineStore.open({ dir, windowMs: WINDOW });
    store.observe('prod', '["prod","a","b"]', T0);
    await store.flush();
    expect(readFileSync(join(dir, 'baseline.db'), 'utf8')).toContain('e:[\\"prod\\",\\"a\\",\\"b\\"]');
    await store.close();
  });

  test('edges last seen longer ago than the window before the newest sighting are pruned, in memory and on disk', async () => {
    const store = await BaselineStore.open({ dir, windowMs: WINDOW });
    store.observe('prod', 'old', T0);
    store.observe('prod', 'recent', T0 + 20 * DAY);
    store.observe('prod', 'newest', T0 + 31 * DAY);
    expect(store.lastSeen('old')).toBeUndefined();
    expect(store.lastSeen('recent')).toBe(T0 + 20 * DAY);
    await store.close();
    const reopened = await BaselineStore.open({ dir, windowMs: WINDOW });
    expect(reopened.lastSeen('old')).toBeUndefined();
    expect(reopened.size).toBe(2);
    await reopened.close();
  });

  test('a shorter window on restart prunes on open', async () => {
    const store = await BaselineStore.open({ dir, windowMs: WINDOW });
    store.observe('prod', 'a', T0);
    store.observe('prod', 'b', T0 + 10 * DAY);
    await store.close();
    const shorter = await BaselineStore.open({ dir, windowMs: 7 * DAY });
    expect(shorter.lastSeen('a')).toBeUndefined();
    expect(shorter.lastSeen('b')).toBe(T0 + 10 * DAY);
    await shorter.close();
  });

  test('sightings move forward only; small steps are kept in memory and written once they add up', async () => {
    const store = await BaselineStore.open({ dir, windowMs: WINDOW });
    store.observe('prod', 'a', T0 + 1000);
    store.observe('prod', 'a', T0);
    expect(store.lastSeen('a')).toBe(T0 + 1000);
    store.observe('prod', 'a', T0 + 2000);
    expect(store.lastSeen('a')).toBe(T0 + 2000);
    await store.close();
    // window / 720 = 1 h resolution: the 1 s step was not written.
    const reopened = await BaselineStore.open({ dir, windowMs: WINDOW });
    expect(reopened.lastSeen('a')).toBe(T0 + 1000);
    await reopened.close();
  });

  test('a directory held by another live process is refused; a lock left by a dead one is taken over', async () => {
    // The parent of the test process is alive and is not us: it plays the other riskgate.
    writeFileSync(join(dir, 'lock'), `${process.ppid}\n`);
    await expect(BaselineStore.open({ dir, windowMs: WINDOW })).rejects.toThrow(/two riskgate servers cannot share one --data-dir/);
    writeFileSync(join(dir, 'lock'), '2147483646\n');
    const store = await BaselineStore.open({ dir, windowMs: WINDOW });
    expect(readFileSync(join(dir, 'lock'), 'utf8').trim()).toBe(String(process.pid));
    await store.close();
  });

  test('an unreadable data file is a RiskgateError naming the file', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'baseline.db'), 'not json\n{also not\n');
    const error = await BaselineStore.open({ dir, windowMs: WINDOW }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RiskgateError);
    expect((error as RiskgateError).code).toBe('baseline-corrupt');
    expect((error as RiskgateError).message).toContain(join(dir, 'baseline.db'));
  });
});
