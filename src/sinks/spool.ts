// The durable on-disk spool: risk events appended to segment files (page cache at once, fsync'd in batches), read by delivery from a checkpoint, size-capped (refusing new events, or dropping the oldest).
import { closeSync, fdatasync, fsyncSync, ftruncateSync, openSync, renameSync, rmSync, statSync, writeSync, close as closeFd } from 'node:fs';
import { join } from 'node:path';
import type { RiskEvent } from '../outputs/risk-event.js';
import { RiskgateError } from '../riskgate-error.js';
import { inspectSegment, readLines, segmentIds, segmentPath, type SegmentInfo } from './segment-file.js';
import { readCheckpoint, writeCheckpoint, type SpoolPosition } from './spool-checkpoint.js';
import { lockSpool } from './spool-lock.js';
import type { SinkLog } from './sink-log.js';
import type { SinkObserver } from './sink-observer.js';
import { makeDirectoryTree } from '../files/directory-tree.js';

export interface SpoolOptions {
  /** The data directory: `spool/` (pending segments + checkpoint) and `delivered/` (the archive) live under it. */
  dataDir: string;
  /** Cap on undelivered bytes; at it new events are refused (counted and logged), or with `drop-oldest` the oldest segment is dropped. */
  maxBytes: number;
  /** What the cap does (default `refuse`: what is already spooled is kept, so forged events cannot evict genuine ones). */
  whenFull?: SpoolWhenFull;
  /** Cap on the delivered archive; past it the oldest archived segment is deleted. */
  archiveMaxBytes: number;
  /** How often written data is fsync'd. */
  fsyncIntervalMs: number;
  /** Without a delivery consumer, a segment is archived as soon as it is closed (the local event store). */
  consumer: boolean;
  sinkName: string;
  log: SinkLog;
  observer: SinkObserver;
}

export type SpoolWhenFull = 'refuse' | 'drop-oldest';

export const DEFAULT_SPOOL_MAX_BYTES = 256 * 1024 * 1024;
/** While the spool stays full, one refusal line per this many refused events (the count is in every line). */
const REFUSAL_LOG_EVERY = 1000;
export const DEFAULT_ARCHIVE_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_FSYNC_INTERVAL_MS = 200;

export interface SpoolBatch {
  events: RiskEvent[];
  /** Where the next batch starts; commit it once the events are delivered. */
  end: SpoolPosition;
}

interface ActiveSegment extends SegmentInfo {
  fd: number;
}

/** Segments are a fraction of the cap so dropping the oldest frees room without throwing away most of the spool. */
export function segmentBytesFor(maxBytes: number): number {
  return Math.min(16 * 1024 * 1024, Math.max(4096, Math.floor(maxBytes / 8)));
}

export class EventSpool {
  readonly spoolDir: string;
  readonly archiveDir: string;
  private readonly segments: SegmentInfo[];
  private active: ActiveSegment;
  private checkpoint: SpoolPosition;
  /** Events refused since the spool last had room. */
  private refused = 0;
  private archiveBytesTotal: number;
  private dirty = false;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly unlock: () => void;
  private readonly segmentBytes: number;
  private readonly appendListeners: Array<() => void> = [];
  private commitChain: Promise<void> = Promise.resolve();

  constructor(private readonly options: SpoolOptions) {
    // A NaN or zero cap would empty the archive (or drop every pending event) without a word.
    for (const [name, value] of [['maxBytes', options.maxBytes], ['archiveMaxBytes', options.archiveMaxBytes]] as const) {
      if (!(value > 0)) throw new RiskgateError('spool-options', `spool ${name} must be a positive number of bytes, not ${value}`);
    }
    this.spoolDir = join(options.dataDir, 'spool');
    this.archiveDir = join(options.dataDir, 'delivered');
    makeDirectoryTree(this.spoolDir);
    makeDirectoryTree(this.archiveDir);
    this.unlock = lockSpool(this.spoolDir);
    this.segmentBytes = segmentBytesFor(options.maxBytes);
    this.checkpoint = readCheckpoint(this.spoolDir, (fields) => options.log.error(fields, 'spool checkpoint unreadable: set aside, delivering the spool from its start (the indexer may see events twice)'));
    this.segments = segmentIds(this.spoolDir)
      .map((id) => this.inspect(id))
      .filter((segment) => segment.events > 0 || this.removeEmpty(segment));
    this.archiveBytesTotal = segmentIds(this.archiveDir).reduce((sum, id) => sum + statSync(segmentPath(this.archiveDir, id)).size, 0);
    this.archiveBefore(this.checkpoint.segment);
    const lastId = Math.max(0, ...segmentIds(this.archiveDir), ...this.segments.map((s) => s.id));
    this.active = this.openSegment(lastId + 1);
    this.timer = setInterval(() => this.sync(), options.fsyncIntervalMs);
    this.timer.unref();
  }

  /**
   * Appends events (one JSON line each). Synchronous and local: the admission path calls it. When the disk refuses the
   * write (full, EFBIG, EIO) nothing partial stays, the events count as dropped (`write-failed`) and it throws
   * RiskgateError `spool-write-failed`.
   */
  append(events: readonly RiskEvent[]): void {
    this.appendJson(events.map((e) => JSON.stringify(e)));
  }

  /** append() of events already serialized: `json` holds each event's JSON.stringify text, one line each. */
  appendJson(json: readonly string[]): void {
    if (this.closed) throw new RiskgateError('spool-closed', 'the spool is closed');
    if (json.length === 0) return;
    const data = Buffer.from(json.length === 1 ? `${json[0]!}\n` : `${json.join('\n')}\n`);
    if (this.refuses(data.length, json.length)) return;
    try {
      this.writeAll(data);
    } catch (error) {
      // The caller cannot keep them either (the admission answer does not wait): they are lost, so they are counted.
      this.options.observer.dropped(this.options.sinkName, 'write-failed', json.length);
      throw error;
    }
    this.active.bytes += data.length;
    this.active.events += json.length;
    this.dirty = true;
    if (this.active.bytes >= this.segmentBytes) this.rotate();
    this.enforceCap();
    for (const listener of this.appendListeners) listener();
  }

  onAppend(listener: () => void): void {
    this.appendListeners.push(listener);
  }

  /** The delivery position: where the next batch starts. */
  get position(): SpoolPosition {
    return { ...this.checkpoint };
  }

  /** Reads up to maxEvents / about maxBytes of complete events from `from` (normally the checkpoint). */
  async read(from: SpoolPosition, maxEvents: number, maxBytes: number): Promise<SpoolBatch> {
    let at = this.normalize(from);
    for (;;) {
      const segment = this.segmentAt(at.segment);
      if (!segment) return { events: [], end: at };
      const size = segment.bytes;
      if (at.offset >= size) {
        if (segment === this.active) return { events: [], end: at };
        at = this.normalize({ segment: segment.id + 1, offset: 0, index: 0 });
        continue;
      }
      const { lines, bytes } = await readLines(segmentPath(this.spoolDir, segment.id), at.offset, size, maxBytes);
      const taken = lines.slice(0, maxEvents);
      const takenBytes = taken.length === lines.length ? bytes : taken.reduce((sum, line) => sum + line.length + 1, 0);
      const events = this.parse(taken, segment.id);
      return { events, end: { segment: segment.id, offset: at.offset + takenBytes, index: at.index + taken.length } };
    }
  }

  /** Records that everything before `end` is delivered: checkpoint (atomic), then fully delivered segments move to the archive. */
  commit(end: SpoolPosition): Promise<void> {
    this.commitChain = this.commitChain.then(async () => {
      if (this.closed) return;
      let next = end;
      const segment = this.segmentAt(end.segment);
      if (segment && segment !== this.active && end.offset >= segment.bytes) next = { segment: end.segment + 1, offset: 0, index: 0 };
      this.checkpoint = next;
      await writeCheckpoint(this.spoolDir, next);
      this.archiveBefore(next.segment);
    });
    return this.commitChain;
  }

  /** Events appended and not yet delivered. */
  get pendingEvents(): number {
    return this.segments.reduce((sum, s) => sum + s.events, 0) - this.deliveredInFirst('events');
  }

  get pendingBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.bytes, 0) - this.deliveredInFirst('bytes');
  }

  get archiveBytes(): number {
    return this.archiveBytesTotal;
  }

  /** fsyncs what was written since the last sync (runs on a timer; data is in the page cache before). */
  sync(): void {
    if (!this.dirty || this.closed) return;
    this.dirty = false;
    const { fd } = this.active;
    fdatasync(fd, (error) => {
      if (error && !this.closed) this.options.log.error({ err: error.message, dir: this.spoolDir }, 'spool fsync failed');
    });
  }

  /** fsyncs and closes the active segment, waits for pending commits, releases the lock. Undelivered events stay for the next start. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.commitChain.catch(() => {});
    this.closed = true;
    clearInterval(this.timer);
    fsyncSync(this.active.fd);
    closeSync(this.active.fd);
    if (!this.options.consumer && this.active.events > 0) this.archiveSegment(this.active);
    this.unlock();
  }

  private deliveredInFirst(what: 'bytes' | 'events'): number {
    const first = this.segments[0];
    if (!first || first.id !== this.checkpoint.segment) return 0;
    return what === 'bytes' ? this.checkpoint.offset : this.checkpoint.index;
  }

  private inspect(id: number): SegmentInfo {
    const { tornBytes, ...info } = inspectSegment(this.spoolDir, id);
    if (tornBytes > 0) this.options.log.warn({ segment: id, tornBytes }, 'spool: cut a torn last line left by a crash mid-append');
    return info;
  }

  /** An empty segment (a previous run's unused active one) is removed at start; returns false to filter it out. */
  private removeEmpty(segment: SegmentInfo): false {
    rmSync(segmentPath(this.spoolDir, segment.id), { force: true });
    return false;
  }

  private segmentAt(id: number): SegmentInfo | undefined {
    return this.segments.find((s) => s.id === id);
  }

  /** A position inside an existing segment: a dropped or archived segment's position moves to the oldest remaining one. */
  private normalize(at: SpoolPosition): SpoolPosition {
    const segment = this.segments.find((s) => s.id >= at.segment);
    if (!segment) return at;
    if (segment.id !== at.segment) return { segment: segment.id, offset: 0, index: 0 };
    return at.offset > segment.bytes ? { segment: segment.id, offset: segment.bytes, index: segment.events } : at;
  }

  private parse(lines: Buffer[], segment: number): RiskEvent[] {
    const events: RiskEvent[] = [];
    for (const line of lines) {
      try {
        events.push(JSON.parse(line.toString('utf8')) as RiskEvent);
      } catch {
        this.options.log.error({ segment }, 'spool: skipped a line that is not JSON');
        this.options.observer.dropped(this.options.sinkName, 'corrupt', 1);
      }
    }
    return events;
  }

  private writeAll(data: Buffer): void {
    let written = 0;
    try {
      while (written < data.length) written += writeSync(this.active.fd, data, written, data.length - written);
    } catch (error) {
      if (written > 0) ftruncateSync(this.active.fd, this.active.bytes); // no half line for the next append to glue onto
      throw new RiskgateError('spool-write-failed', `cannot append to the spool in ${this.spoolDir}: ${(error as Error).message}`);
    }
  }

  private openSegment(id: number): ActiveSegment {
    const fd = openSync(segmentPath(this.spoolDir, id), 'a');
    const segment: ActiveSegment = { id, bytes: 0, events: 0, fd };
    this.segments.push(segment);
    this.syncDirectory();
    return segment;
  }

  private rotate(): void {
    const old = this.active;
    this.active = this.openSegment(old.id + 1);
    this.dirty = false;
    fdatasync(old.fd, () => closeFd(old.fd, () => {}));
    if (!this.options.consumer) {
      this.checkpoint = { segment: this.active.id, offset: 0, index: 0 };
      this.archiveBefore(this.active.id);
    }
  }

  private syncDirectory(): void {
    const fd = openSync(this.spoolDir, 'r');
    fdatasync(fd, () => closeFd(fd, () => {}));
  }

  /**
   * With `refuse` (the default), events that would take the undelivered bytes past the cap are refused: counted as
   * dropped (`spool-full`) and logged at ERROR when the spool fills and every REFUSAL_LOG_EVERY events after.
   */
  private refuses(bytes: number, events: number): boolean {
    if ((this.options.whenFull ?? 'refuse') !== 'refuse') return false;
    if (this.pendingBytes + bytes <= this.options.maxBytes) {
      if (this.refused > 0) this.options.log.warn({ refusedEvents: this.refused, dir: this.spoolDir }, 'spool has room again: accepting risk events');
      this.refused = 0;
      return false;
    }
    this.options.observer.dropped(this.options.sinkName, 'spool-full', events);
    const before = this.refused;
    this.refused += events;
    if (before === 0 || Math.floor(before / REFUSAL_LOG_EVERY) !== Math.floor(this.refused / REFUSAL_LOG_EVERY)) {
      this.options.log.error(
        { refusedEvents: this.refused, maxBytes: this.options.maxBytes, dir: this.spoolDir },
        'spool full: refusing new risk events, keeping the undelivered ones (raise the spool cap or fix delivery; --spool-when-full drop-oldest evicts the oldest instead)',
      );
    }
    return true;
  }

  /** drop-oldest: drops the oldest undelivered segments while the spool is over its cap (never the one being appended to). */
  private enforceCap(): void {
    while (this.pendingBytes > this.options.maxBytes && this.segments.length > 1 && this.segments[0] !== this.active) {
      const oldest = this.segments[0]!;
      const lost = oldest.events - (oldest.id === this.checkpoint.segment ? this.checkpoint.index : 0);
      this.segments.shift();
      rmSync(segmentPath(this.spoolDir, oldest.id), { force: true });
      this.options.observer.dropped(this.options.sinkName, 'spool-full', lost);
      this.options.log.error(
        { segment: oldest.id, droppedEvents: lost, maxBytes: this.options.maxBytes, dir: this.spoolDir },
        `spool full: dropped the ${lost} oldest undelivered risk events (raise the spool cap or fix delivery)`,
      );
    }
  }

  /** Moves segments older than `segment` (fully delivered) to the archive, then trims the archive to its cap. */
  private archiveBefore(segment: number): void {
    while (this.segments[0] && this.segments[0].id < segment && this.segments[0] !== this.active) {
      this.archiveSegment(this.segments.shift()!);
    }
  }

  private archiveSegment(segment: SegmentInfo): void {
    const index = this.segments.indexOf(segment);
    if (index !== -1) this.segments.splice(index, 1);
    renameSync(segmentPath(this.spoolDir, segment.id), segmentPath(this.archiveDir, segment.id));
    this.archiveBytesTotal += segment.bytes;
    for (const id of segmentIds(this.archiveDir)) {
      if (this.archiveBytesTotal <= this.options.archiveMaxBytes) break;
      const path = segmentPath(this.archiveDir, id);
      const bytes = statSync(path).size;
      this.archiveBytesTotal -= bytes;
      rmSync(path, { force: true });
      // Retention, not loss: these events were delivered (or, for the local store, written to the log) before.
      this.options.log.info({ segment: id, bytes, archiveMaxBytes: this.options.archiveMaxBytes }, 'delivered archive over its cap: removed its oldest segment (riskgate events and the auditor view no longer show those events)');
    }
  }
}
