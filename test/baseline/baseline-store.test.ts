// The persisted baseline: survives a restart, prunes past the window, one process per directory, unreadable files named.
import { mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaselineStore } from '../../src/baseline/baseline-store.js';

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

  test('an unreadable data file is set aside (renamed, logged at ERROR) and the store starts empty', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'baseline.db'), 'not json\n{also not\n');
    const errors: object[] = [];
    const store = await BaselineStore.open({ dir, windowMs: WINDOW, log: { warn: () => {}, error: (fields) => void errors.push(fields) } });
    expect(store.size).toBe(0);
    const aside = readdirSync(dir).filter((f) => f.startsWith('baseline.db.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]!), 'utf8')).toBe('not json\n{also not\n');
    expect(errors).toEqual([expect.objectContaining({ file: join(dir, 'baseline.db'), setAside: join(dir, aside[0]!) })]);
    store.observe('prod', '["prod","a","b"]', T0);
    await store.close();
    const reopened = await BaselineStore.open({ dir, windowMs: WINDOW });
    expect(reopened.lastSeen('["prod","a","b"]')).toBe(T0);
    await reopened.close();
  });

  test('the default caps bound a file of short keys too (16 clusters x 5,000 edges of 200,000, each line about 60 bytes)', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 200_000; i++) lines.push(JSON.stringify({ _id: `e:${JSON.stringify([`c${i % 16}`, `${i}`, 'd'])}`, k: 'e', t: T0 + i }));
    writeFileSync(join(dir, 'baseline.db'), `${lines.join('\n')}\n`);
    const warnings: object[] = [];
    const store = await BaselineStore.open({ dir, windowMs: WINDOW, log: { warn: (fields) => void warnings.push(fields), error: () => {} } });
    expect(store.size).toBe(80_000);
    expect(store.lastSeen(JSON.stringify(['c15', '199999', 'd']))).toBe(T0 + 199_999);
    expect(store.lastSeen(JSON.stringify(['c0', '0', 'd']))).toBeUndefined();
    expect(warnings).toEqual([expect.objectContaining({ edgeLines: 200_000, edgesKept: 80_000, dropped: 120_000, maxClusters: 16, maxEdgesPerCluster: 5000 })]);
    await store.close();
    expect(readFileSync(join(dir, 'baseline.db'), 'utf8').trim().split('\n')).toHaveLength(80_000);
  });

  test('a file nedb wrote (index lines, superseded and deleted documents) reads as nedb read it; a few unreadable lines are skipped', async () => {
    const doc = (id: string, t: number) => JSON.stringify({ _id: id, k: id[0], t });
    writeFileSync(join(dir, 'baseline.db'), [
      JSON.stringify({ $$indexCreated: { fieldName: 't', unique: false, sparse: false } }),
      doc('e:["prod","a","b"]', T0),
      doc('e:["prod","a","b"]', T0 + 3600_000),
      doc('e:["prod","a","c"]', T0),
      JSON.stringify({ $$deleted: true, _id: 'e:["prod","a","c"]' }),
      doc('m:learning:prod', T0),
      doc('s:shell-key', T0),
      '{"_id": "e:[\\"prod\\",\\"x\\"', // cut short by a crash
      ...Array.from({ length: 10 }, (_, i) => doc(`e:["prod","n${i}","d"]`, T0)),
      '',
    ].join('\n'));
    const errors: object[] = [];
    const store = await BaselineStore.open({ dir, windowMs: WINDOW, log: { warn: () => {}, error: (fields) => void errors.push(fields) } });
    expect(store.lastSeen('["prod","a","b"]')).toBe(T0 + 3600_000);
    expect(store.lastSeen('["prod","a","c"]')).toBeUndefined();
    expect(store.learningSince('prod')).toBe(T0);
    expect(store.reported('shell-key')).toBe(true);
    expect(store.size).toBe(11);
    expect(errors).toEqual([]);
    await store.close();
  });

  test('a rewrite that fails (here its temporary file cannot be made) is reported; the appended lines stay, so a restart loses nothing', async () => {
    const failures: unknown[] = [];
    const store = await BaselineStore.open({ dir, windowMs: WINDOW, onError: (error) => void failures.push(error) });
    store.observe('prod', '["prod","a","b"]', T0);
    await store.flush();
    mkdirSync(join(dir, 'baseline.db.tmp'));
    await store.close();
    expect(failures).toEqual([expect.objectContaining({ code: 'EISDIR' })]);
    rmSync(join(dir, 'baseline.db.tmp'), { recursive: true });
    const reopened = await BaselineStore.open({ dir, windowMs: WINDOW });
    expect(reopened.lastSeen('["prod","a","b"]')).toBe(T0);
    await reopened.close();
  });

  test('a file of 200,000 edges (made-up clusters and one real one) loads only the newest within the caps, and says so', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 200_000; i++) {
      const cluster = i % 2 === 0 ? 'prod' : `fake-${i % 1000}`;
      lines.push(JSON.stringify({ _id: `e:${JSON.stringify([cluster, `s${i}`, 'db'])}`, k: 'e', t: T0 + i }));
    }
    lines.push(JSON.stringify({ _id: 'm:learning:prod', k: 'm', t: T0 }));
    writeFileSync(join(dir, 'baseline.db'), `${lines.join('\n')}\n`);
    const warnings: object[] = [];
    // What it keeps is bounded whatever is on disk; how long the load takes is a benchmark's figure, not a unit test's.
    const store = await BaselineStore.open({ dir, windowMs: WINDOW, caps: { maxClusters: 4, maxEdgesPerCluster: 1000 }, log: { warn: (fields) => void warnings.push(fields), error: () => {} } });
    expect(store.size).toBeLessThanOrEqual(4000);
    expect(store.edgeCount('prod')).toBe(1000);
    expect(store.lastSeen(JSON.stringify(['prod', 's199998', 'db']))).toBe(T0 + 199_998);
    expect(store.lastSeen(JSON.stringify(['prod', 's0', 'db']))).toBeUndefined();
    expect(store.learningSince('prod')).toBe(T0);
    expect(warnings).toEqual([expect.objectContaining({ edgeLines: 200_000, edgesKept: store.size, clustersKept: 4, maxClusters: 4, maxEdgesPerCluster: 1000 })]);
    await store.close();
  });
});
