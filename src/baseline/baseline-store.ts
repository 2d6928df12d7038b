// The persisted metric baseline: last sighting of every edge, the warm-up start and reported shells, in an embedded store.
import { existsSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as nedb from '@seald-io/nedb';
import type { EdgeBaseline, ReportLedger } from '../engine/detect-metrics.js';
import { DEFAULT_MAX_CLUSTERS, DEFAULT_MAX_EDGES_PER_CLUSTER } from '../engine/detect-metrics.js';
import { clusterOfEdge, trimBaselineFile, trimThreshold } from './baseline-file-trim.js';
import type { BaselineCaps } from './baseline-file-trim.js';
import { RiskgateError } from '../riskgate-error.js';
import { lockSpool } from '../sinks/spool-lock.js';
import { makeDirectoryTree } from '../files/directory-tree.js';

export interface BaselineStoreOptions {
  /** Directory of the store (`<data dir>/baseline`); absent: in memory only (nothing survives the process). */
  dir?: string;
  /** Edges not seen for longer than this are pruned (they are new again anyway). */
  windowMs: number;
  /** How often the append-only data file is rewritten without superseded lines (default 1 h). */
  compactEveryMs?: number;
  /** Called when a write to the data file fails; the in-memory baseline stays right. */
  onError?: (error: unknown) => void;
  /** The caps the detectors enforce; start-up loads no more than these (the newest edges), whatever is on disk. */
  caps?: Partial<BaselineCaps>;
  /** Told when start-up trimmed the file to the caps (warn) or set a corrupt file aside (error). */
  log?: { warn(fields: object, message: string): void; error(fields: object, message: string): void };
}

/** A document of the data file: `k` kind (e edge, s shell report, m meta), `t` a data time in ms. */
interface Entry {
  _id: string;
  k: 'e' | 's' | 'm';
  t: number;
}

/** Meta documents `m:learning:<cluster>`: when the cluster's first edge was learned (its warm-up start). */
const LEARNING_PREFIX = 'm:learning:';
const DAY_MS = 24 * 3600 * 1000;
/** Shell report keys carry their window; a day of them is plenty to stop repeats. */
const SHELL_RETENTION_MS = DAY_MS;
const DATA_FILE = 'baseline.db';

function capsOf(options: BaselineStoreOptions): BaselineCaps {
  return { maxClusters: options.caps?.maxClusters ?? DEFAULT_MAX_CLUSTERS, maxEdgesPerCluster: options.caps?.maxEdgesPerCluster ?? DEFAULT_MAX_EDGES_PER_CLUSTER };
}

// nedb is CommonJS (module.exports = the class): at run time the ESM namespace's default is the class, while its
// typings (an `export default` read as CommonJS) put the class one `.default` deeper.
type DatastoreClass = typeof nedb.default.default;
type Datastore = InstanceType<DatastoreClass>;
const Datastore = nedb.default as unknown as DatastoreClass;

/**
 * The baseline lives in memory (the detectors read it synchronously) and is mirrored to a @seald-io/nedb data file:
 * an append-only log of JSON documents, rewritten on open and every `compactEveryMs`. To keep the log small a sighting
 * is written only when it moves an edge's time forward by `resolution` (window / 720: one hour for 30 days), so after a
 * restart an edge may look up to that much older than it was.
 */
export class BaselineStore implements EdgeBaseline, ReportLedger {
  private readonly edges = new Map<string, number>();
  private readonly persistedEdges = new Map<string, number>();
  private readonly shells = new Map<string, number>();
  private readonly learningStart = new Map<string, number>();
  private readonly edgeCounts = new Map<string, number>();
  private latestMs = 0;
  private lastPruneMs = 0;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly resolutionMs: number;
  private compaction: NodeJS.Timeout | undefined;

  private constructor(
    private readonly db: Datastore,
    private readonly options: BaselineStoreOptions,
    private readonly release: () => void,
  ) {
    this.resolutionMs = Math.max(1, Math.floor(options.windowMs / 720));
  }

  static async open(options: BaselineStoreOptions): Promise<BaselineStore> {
    let release = () => {};
    let db: Datastore;
    if (options.dir) {
      try {
        makeDirectoryTree(options.dir);
      } catch (error) {
        throw new RiskgateError('baseline-dir', `cannot create the baseline directory ${options.dir}: ${(error as Error).message}`);
      }
      release = lockSpool(options.dir);
      const file = join(options.dir, DATA_FILE);
      try {
        await BaselineStore.bound(file, options);
        db = await BaselineStore.load(file, options);
      } catch (error) {
        release();
        throw error;
      }
    } else {
      db = new Datastore({ inMemoryOnly: true });
      await db.loadDatabaseAsync();
    }
    const store = new BaselineStore(db, options, release);
    await store.load();
    if (options.dir) store.scheduleCompaction(options.compactEveryMs ?? 3600_000);
    return store;
  }

  /** A data file larger than the caps allow is streamed and cut to its newest edges before nedb reads it whole. */
  private static async bound(file: string, options: BaselineStoreOptions): Promise<void> {
    const caps = capsOf(options);
    if (!existsSync(file) || statSync(file).size <= trimThreshold(caps)) return;
    const bytes = statSync(file).size;
    const result = await trimBaselineFile(file, caps);
    options.log?.warn({ file, bytes, ...result, ...caps }, 'baseline over its caps: loaded the newest edges of the newest clusters, the rest is dropped');
  }

  /** nedb's load; a file it cannot read is renamed aside (logged at ERROR) and the baseline starts empty. */
  private static async load(file: string, options: BaselineStoreOptions): Promise<Datastore> {
    const db = new Datastore({ filename: file });
    try {
      await db.loadDatabaseAsync();
      return db;
    } catch (error) {
      const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      try {
        renameSync(file, aside);
      } catch (renameError) {
        throw new RiskgateError('baseline-corrupt', `cannot read the baseline ${file} (${(error as Error).message}) nor set it aside: ${(renameError as Error).message}`);
      }
      options.log?.error({ file, setAside: aside, reason: (error as Error).message }, 'baseline file unreadable: set aside, starting with an empty baseline (clusters warm up again)');
      const fresh = new Datastore({ filename: file });
      await fresh.loadDatabaseAsync();
      return fresh;
    }
  }

  private async load(): Promise<void> {
    for (const entry of await this.db.findAsync<Entry>({})) {
      if (entry.k === 'e') {
        const key = entry._id.slice(2);
        this.edges.set(key, entry.t);
        this.persistedEdges.set(key, entry.t);
        this.countEdge(key, 1);
        this.latestMs = Math.max(this.latestMs, entry.t);
      } else if (entry.k === 's') this.shells.set(entry._id.slice(2), entry.t);
      else if (entry._id.startsWith(LEARNING_PREFIX)) this.learningStart.set(entry._id.slice(LEARNING_PREFIX.length), entry.t);
    }
    this.prune();
  }

  private countEdge(key: string, delta: number): void {
    const cluster = clusterOfEdge(key);
    const n = (this.edgeCounts.get(cluster) ?? 0) + delta;
    if (n > 0) this.edgeCounts.set(cluster, n);
    else this.edgeCounts.delete(cluster);
  }

  /** Rewrites the data file without superseded lines every `everyMs` (an unref'd timer: it never keeps the process alive). */
  private scheduleCompaction(everyMs: number): void {
    this.compaction = setInterval(() => this.track(this.db.compactDatafileAsync()), everyMs);
    this.compaction.unref();
  }

  get size(): number {
    return this.edges.size;
  }

  lastSeen(edge: string): number | undefined {
    return this.edges.get(edge);
  }

  learningSince(cluster: string): number | undefined {
    return this.learningStart.get(cluster);
  }

  startLearning(cluster: string, atMs: number): void {
    if (this.learningStart.has(cluster)) return;
    this.learningStart.set(cluster, atMs);
    this.write(`${LEARNING_PREFIX}${cluster}`, 'm', atMs);
  }

  clusterCount(): number {
    return this.learningStart.size;
  }

  edgeCount(cluster: string): number {
    return this.edgeCounts.get(cluster) ?? 0;
  }

  observe(cluster: string, edge: string, atMs: number): void {
    this.startLearning(cluster, atMs);
    const previous = this.edges.get(edge);
    if (previous !== undefined && previous >= atMs) return;
    if (previous === undefined) this.countEdge(edge, 1);
    this.edges.set(edge, atMs);
    const persisted = this.persistedEdges.get(edge);
    if (persisted === undefined || atMs - persisted >= this.resolutionMs) {
      this.persistedEdges.set(edge, atMs);
      this.write(`e:${edge}`, 'e', atMs);
    }
    if (atMs > this.latestMs) {
      this.latestMs = atMs;
      if (atMs - this.lastPruneMs >= this.resolutionMs) this.prune();
    }
  }

  reported(key: string): boolean {
    return this.shells.has(key);
  }

  markReported(key: string, atMs: number): void {
    this.shells.set(key, atMs);
    this.write(`s:${key}`, 's', atMs);
  }

  /** Forgets edges last seen more than the window before the newest sighting (data time), and old shell reports. */
  prune(): void {
    this.lastPruneMs = this.latestMs;
    const edgeCutoff = this.latestMs - this.options.windowMs;
    const shellCutoff = this.latestMs - SHELL_RETENTION_MS;
    let removed = 0;
    for (const [key, t] of this.edges) {
      if (t < edgeCutoff) {
        this.edges.delete(key);
        this.persistedEdges.delete(key);
        this.countEdge(key, -1);
        removed += 1;
      }
    }
    for (const [key, t] of this.shells) if (t < shellCutoff) this.shells.delete(key), (removed += 1);
    if (removed > 0) {
      this.track(this.db.removeAsync({ $or: [{ k: 'e', t: { $lt: edgeCutoff } }, { k: 's', t: { $lt: shellCutoff } }] }, { multi: true }));
    }
  }

  private write(id: string, k: Entry['k'], t: number): void {
    this.track(this.db.updateAsync({ _id: id }, { _id: id, k, t }, { upsert: true }));
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch((error: unknown) => this.options.onError?.(error)).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** Waits until every write so far is in the data file. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Flushes, rewrites the data file compactly and releases the directory. */
  async close(): Promise<void> {
    clearInterval(this.compaction);
    await this.flush();
    try {
      await this.db.compactDatafileAsync();
    } finally {
      this.release();
    }
  }
}
