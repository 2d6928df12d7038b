// The on-disk spool: appends survive a reopen, the checkpoint resumes delivery, torn tails are cut, the cap refuses new events (or drops the oldest).
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventSpool, type SpoolOptions } from '../../src/sinks/spool.js';
import { RiskgateError } from '../../src/riskgate-error.js';
import { sampleEvents } from './risk-event-samples.js';
import { RecordingLog, RecordingObserver, tempDir } from './sink-test-kit.js';

function spoolOptions(dataDir: string, extra: Partial<SpoolOptions> = {}): SpoolOptions {
  return {
    dataDir,
    maxBytes: 1024 * 1024,
    archiveMaxBytes: 1024 * 1024,
    fsyncIntervalMs: 10,
    consumer: true,
    sinkName: 'hec',
    log: new RecordingLog(),
    observer: new RecordingObserver(),
    ...extra,
  };
}

async function drain(spool: EventSpool): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const batch = await spool.read(spool.position, 7, 64 * 1024);
    if (batch.events.length === 0) return ids;
    ids.push(...batch.events.map((e) => e.event_id));
    await spool.commit(batch.end);
  }
}

describe('EventSpool', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.remove());

  test('events appended are read back in order, whole, across a close and reopen', async () => {
    const events = sampleEvents(20);
    const first = new EventSpool(spoolOptions(tmp.dir));
    first.append(events.slice(0, 12));
    await first.close();
    const second = new EventSpool(spoolOptions(tmp.dir));
    second.append(events.slice(12));
    expect(second.pendingEvents).toBe(20);
    const batch = await second.read(second.position, 100, 1024 * 1024);
    expect(batch.events).toEqual(events.slice(0, 12)); // one batch stays within one segment
    expect(await drain(second)).toEqual(events.map((e) => e.event_id));
    expect(second.pendingEvents).toBe(0);
    await second.close();
  });

  test('the checkpoint resumes delivery after a restart: delivered events are not read again', async () => {
    const events = sampleEvents(10);
    const first = new EventSpool(spoolOptions(tmp.dir));
    first.append(events);
    const batch = await first.read(first.position, 4, 1024 * 1024);
    await first.commit(batch.end);
    await first.close();
    const second = new EventSpool(spoolOptions(tmp.dir));
    expect(second.pendingEvents).toBe(6);
    expect(await drain(second)).toEqual(events.slice(4).map((e) => e.event_id));
    await second.close();
  });

  test('fully delivered segments move to the delivered archive', async () => {
    const spool = new EventSpool(spoolOptions(tmp.dir, { maxBytes: 128 * 1024 }));
    for (const e of sampleEvents(60)) spool.append([e]); // 16 KiB segments: several rotations, all under the cap
    await drain(spool);
    await spool.close();
    const archived = readdirSync(join(tmp.dir, 'delivered'));
    expect(archived.length).toBeGreaterThan(1);
    const lines = archived.flatMap((f) => readFileSync(join(tmp.dir, 'delivered', f), 'utf8').trim().split('\n'));
    const spooled = readdirSync(join(tmp.dir, 'spool')).filter((f) => f.endsWith('.jsonl'));
    const rest = spooled.flatMap((f) => readFileSync(join(tmp.dir, 'spool', f), 'utf8').trim().split('\n').filter(Boolean));
    expect(lines.length + rest.length).toBe(60);
  });

  test('a torn last line (crash mid-append) is cut and logged; the events before it survive', async () => {
    const first = new EventSpool(spoolOptions(tmp.dir));
    first.append(sampleEvents(3));
    await first.close();
    const [segment] = readdirSync(join(tmp.dir, 'spool')).filter((f) => f.endsWith('.jsonl'));
    appendFileSync(join(tmp.dir, 'spool', segment!), '{"event_id":"half a li');
    const log = new RecordingLog();
    const second = new EventSpool(spoolOptions(tmp.dir, { log }));
    expect(second.pendingEvents).toBe(3);
    expect(log.lines.map((l) => l.message)).toContain('spool: cut a torn last line left by a crash mid-append');
    second.append(sampleEvents(1, 50));
    expect((await drain(second)).length).toBe(4);
    await second.close();
  });

  test('at the cap (default refuse) what is spooled is kept and new events are refused: counted, logged once, accepted again once delivered', async () => {
    const log = new RecordingLog();
    const observer = new RecordingObserver();
    const spool = new EventSpool(spoolOptions(tmp.dir, { maxBytes: 32 * 1024, log, observer }));
    const events = sampleEvents(200);
    for (const e of events) spool.append([e]);
    expect(spool.pendingBytes).toBeLessThanOrEqual(32 * 1024);
    const refused = observer.drops.reduce((sum, d) => sum + d.count, 0);
    expect(refused).toBeGreaterThan(100);
    expect(observer.drops.every((d) => d.reason === 'spool-full' && d.sink === 'hec')).toBe(true);
    expect(log.lines.filter((l) => l.level === 'error' && l.message.startsWith('spool full: refusing new risk events'))).toHaveLength(1);
    const kept = await drain(spool);
    expect(kept).toEqual(events.slice(0, 200 - refused).map((e) => e.event_id)); // the genuine first ones survive
    spool.append([events[0]!]);
    expect(log.lines.some((l) => l.level === 'warn' && l.message.startsWith('spool has room again'))).toBe(true);
    expect(await drain(spool)).toEqual([events[0]!.event_id]);
    await spool.close();
  });

  test('a corrupt checkpoint is set aside (logged at ERROR) and delivery starts over instead of stopping the spool', async () => {
    const first = new EventSpool(spoolOptions(tmp.dir));
    first.append(sampleEvents(3));
    await first.close();
    writeFileSync(join(tmp.dir, 'spool', 'checkpoint.json'), '');
    const log = new RecordingLog();
    const second = new EventSpool(spoolOptions(tmp.dir, { log }));
    expect(readdirSync(join(tmp.dir, 'spool')).filter((f) => f.startsWith('checkpoint.json.corrupt-'))).toHaveLength(1);
    expect(log.lines.some((l) => l.level === 'error' && l.message.startsWith('spool checkpoint unreadable: set aside'))).toBe(true);
    expect(await drain(second)).toHaveLength(3);
    await second.close();
  });

  test('with drop-oldest, over the cap the oldest undelivered events are dropped, counted and logged', async () => {
    const log = new RecordingLog();
    const observer = new RecordingObserver();
    const spool = new EventSpool(spoolOptions(tmp.dir, { maxBytes: 32 * 1024, log, observer, whenFull: 'drop-oldest' }));
    const events = sampleEvents(200); // about 1.2 KiB each: far over 32 KiB
    for (const e of events) spool.append([e]);
    expect(spool.pendingBytes).toBeLessThanOrEqual(32 * 1024);
    const dropped = observer.drops.reduce((sum, d) => sum + d.count, 0);
    expect(dropped).toBeGreaterThan(0);
    expect(observer.drops.every((d) => d.reason === 'spool-full' && d.sink === 'hec')).toBe(true);
    expect(log.lines.some((l) => l.level === 'error' && l.message.startsWith('spool full: dropped the'))).toBe(true);
    const kept = await drain(spool);
    expect(kept.length + dropped).toBe(200);
    expect(kept).toEqual(events.slice(200 - kept.length).map((e) => e.event_id)); // the newest survive
    await spool.close();
  });

  test('a second writer on the same data dir is refused while the first is alive', async () => {
    const spool = new EventSpool(spoolOptions(tmp.dir));
    writeFileSync(join(tmp.dir, 'spool', 'lock'), '1\n'); // pid 1 is alive and not us
    expect(() => new EventSpool(spoolOptions(tmp.dir))).toThrow(RiskgateError);
    writeFileSync(join(tmp.dir, 'spool', 'lock'), `${process.pid}\n`);
    await spool.close();
    expect(existsSync(join(tmp.dir, 'spool', 'lock'))).toBe(false);
  });

  test('without a consumer (local store) closed segments go straight to the archive', async () => {
    const spool = new EventSpool(spoolOptions(tmp.dir, { consumer: false, maxBytes: 40 * 1024 }));
    for (const e of sampleEvents(30)) spool.append([e]);
    await spool.close();
    const archivedLines = readdirSync(join(tmp.dir, 'delivered')).flatMap((f) => readFileSync(join(tmp.dir, 'delivered', f), 'utf8').trim().split('\n'));
    expect(archivedLines.length).toBe(30);
  });

  test('a cap that is not a positive number is refused before anything is touched', () => {
    expect(() => new EventSpool(spoolOptions(tmp.dir, { archiveMaxBytes: Number.NaN }))).toThrow('spool archiveMaxBytes must be a positive number of bytes, not NaN');
    expect(() => new EventSpool(spoolOptions(tmp.dir, { maxBytes: 0 }))).toThrow(RiskgateError);
    expect(existsSync(join(tmp.dir, 'spool'))).toBe(false);
  });

  test('over the archive cap the oldest archived segments are removed, and each removal is logged as retention', async () => {
    const log = new RecordingLog();
    const spool = new EventSpool(spoolOptions(tmp.dir, { consumer: false, maxBytes: 32 * 1024, archiveMaxBytes: 12 * 1024, log }));
    const events = sampleEvents(200);
    for (const e of events) spool.append([e]);
    await spool.close();
    const files = readdirSync(join(tmp.dir, 'delivered')).sort();
    const bytes = files.reduce((sum, f) => sum + readFileSync(join(tmp.dir, 'delivered', f)).length, 0);
    expect(bytes).toBeLessThanOrEqual(12 * 1024);
    // What is left is the newest events, without holes.
    const kept = files.flatMap((f) => readFileSync(join(tmp.dir, 'delivered', f), 'utf8').trim().split('\n')).map((l) => (JSON.parse(l) as { event_id: string }).event_id);
    const ids = events.map((e) => e.event_id);
    expect(kept).toEqual(ids.slice(ids.indexOf(kept[0]!), ids.indexOf(kept[0]!) + kept.length));
    expect(kept.at(-1)).toBe(ids.at(-1));
    const removals = log.lines.filter((l) => l.message.startsWith('delivered archive over its cap'));
    expect(removals.length).toBeGreaterThan(0);
    expect(removals.every((l) => l.level === 'info' && (l.fields as { archiveMaxBytes: number }).archiveMaxBytes === 12 * 1024)).toBe(true);
  });
});
