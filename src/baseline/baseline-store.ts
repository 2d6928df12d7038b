// The persisted metric baseline: last sighting of every edge, the warm-up start and reported shells, in memory and in a JSON-lines file.
import { existsSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EdgeBaseline, ReportLedger } from '../engine/detect-metrics.js';
import { DEFAULT_MAX_CLUSTERS, DEFAULT_MAX_EDGES_PER_CLUSTER } from '../engine/detect-metrics.js';
import { clusterOfEdge, readBaselineFile } from './baseline-file-trim.js';
import type { BaselineCaps, BaselineEntries } from './baseline-file-trim.js';
import { BaselineLog } from './baseline-log.js';
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
  /** Told when start-up left edges out to stay within the caps (warn) or set a corrupt file aside (error). */
  log?: { warn(fields: object, message: string): void; error(fields: object, message: string): void };
}

type Kind = 'e' | 's' | 'm';

/** Meta documents `m:learning:<cluster>`: when the cluster's first edge was learned (its warm-up start). */
const LEARNING_PREFIX = 'm:learning:';
const DAY_MS = 24 * 3600 * 1000;
/** Shell report keys carry their window; a day of them is plenty to stop repeats. */
const SHELL_RETENTION_MS = DAY_MS;
const DATA_FILE = 'baseline.db';
/** More unreadable lines than this share of the file: it is not a baseline (or is badly damaged) and is set aside. */
const CORRUPT_SHARE = 0.1;

function capsOf(options: BaselineStoreOptions): BaselineCaps {
  return { maxClusters: options.caps?.maxClusters ?? DEFAULT_MAX_CLUSTERS, maxEdgesPerCluster: options.caps?.maxEdgesPerCluster ?? DEFAULT_MAX_EDGES_PER_CLUSTER };
}

/** What the file held within the caps, and whether it held only that (no superseded, unreadable or dropped lines). */
interface ReadFile {
  entries: BaselineEntries;
  compact: boolean;
}

const NO_ENTRIES = (compact: boolean): ReadFile => ({ entries: { edges: new Map(), shells: new Map(), meta: new Map() }, compact });

/** One line of the data file, in the format of @seald-io/nedb (which wrote it before): `{"_id","k","t"}`. */
function line(id: string, k: Kind, t: number): string {
  return JSON.stringify({ _id: id, k, t });
}

/**
 * The baseline lives in memory (the detectors read it synchronously) and is mirrored to an append-only file of JSON
 * lines, read at start-up as a stream into maps bounded by the caps (the newest edges of the newest clusters: start-up
 * time and memory do not depend on what the file grew to), rewritten from memory then and every `compactEveryMs`. To
 * keep the file small a sighting is written only when it moves an edge's time forward by `resolution` (window / 720:
 * one hour for 30 days), so after a restart an edge may look up to that much older than it was.
 *
 * Why not a database library: @seald-io/nedb kept a second copy of every document with its indexes and read its file
 * whole, which made a 200,000-edge file cost 410 MiB and three seconds at start-up; the maps here are the only copy.
 */
export class BaselineStore implements EdgeBaseline, ReportLedger {
  private readonly edges = new Map<string, number>();
  private readonly persistedEdges = new Map<string, number>();
  private readonly shells = new Map<string, number>();
  private readonly learningStart = new Map<string, number>();
  private readonly edgeCounts = new Map<string, number>();
  private latestMs = 0;
  private lastPruneMs = 0;
  private readonly resolutionMs: number;
  private compaction: NodeJS.Timeout | undefined;

  private constructor(
    private readonly file: BaselineLog | undefined,
    private readonly options: BaselineStoreOptions,
    private readonly release: () => void,
  ) {
    this.resolutionMs = Math.max(1, Math.floor(options.windowMs / 720));
  }

  static async open(options: BaselineStoreOptions): Promise<BaselineStore> {
    if (!options.dir) return new BaselineStore(undefined, options, () => {});
    try {
      makeDirectoryTree(options.dir);
    } catch (error) {
      throw new RiskgateError('baseline-dir', `cannot create the baseline directory ${options.dir}: ${(error as Error).message}`);
    }
    const release = lockSpool(options.dir);
    const path = join(options.dir, DATA_FILE);
    let read: ReadFile;
    try {
      read = await BaselineStore.read(path, options);
    } catch (error) {
      release();
      throw error;
    }
    const store = new BaselineStore(new BaselineLog(path, (error) => options.onError?.(error)), options, release);
    const pruned = store.take(read.entries);
    // The file rewritten as loaded (within the caps, without superseded or pruned lines), unless it already is that.
    if (!read.compact || pruned > 0) await store.compact();
    store.scheduleCompaction(options.compactEveryMs ?? 3600_000);
    return store;
  }

  /** The file's entries within the caps; a file that is mostly not JSON lines is renamed aside (logged at ERROR) and the baseline starts empty. */
  private static async read(file: string, options: BaselineStoreOptions): Promise<ReadFile> {
    if (!existsSync(file)) return NO_ENTRIES(false);
    const caps = capsOf(options);
    let read;
    try {
      read = await readBaselineFile(file, caps);
    } catch (error) {
      throw new RiskgateError('baseline-unreadable', `cannot read the baseline ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const { entries, result } = read;
    if (result.unreadable > CORRUPT_SHARE * result.lines) {
      const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      try {
        renameSync(file, aside);
      } catch (renameError) {
        throw new RiskgateError('baseline-corrupt', `cannot read the baseline ${file} (${result.unreadable} of ${result.lines} lines are not JSON) nor set it aside: ${(renameError as Error).message}`);
      }
      const reason = `${result.unreadable} of ${result.lines} lines are not JSON`;
      options.log?.error({ file, setAside: aside, reason }, 'baseline file unreadable: set aside, starting with an empty baseline (clusters warm up again)');
      return NO_ENTRIES(false);
    }
    if (result.dropped > 0) {
      options.log?.warn({ file, bytes: statSync(file).size, ...result, ...caps }, 'baseline over its caps: loaded the newest edges of the newest clusters, the rest is dropped');
    }
    const kept = entries.edges.size + entries.shells.size + entries.meta.size;
    return { entries, compact: result.lines === kept && result.unreadable === 0 && result.dropped === 0 };
  }

  /** Takes in what the file held; returns how many entries the window pruned from it. */
  private take(entries: BaselineEntries): number {
    for (const [id, t] of entries.edges) {
      const key = id.slice(2);
      this.edges.set(key, t);
      this.persistedEdges.set(key, t);
      this.countEdge(key, 1);
      this.latestMs = Math.max(this.latestMs, t);
    }
    for (const [id, t] of entries.shells) this.shells.set(id.slice(2), t);
    for (const [id, t] of entries.meta) if (id.startsWith(LEARNING_PREFIX)) this.learningStart.set(id.slice(LEARNING_PREFIX.length), t);
    return this.prune();
  }

  /** Every entry as the lines of a fresh file (a Map iterated while it changes yields the entries it then holds). */
  private *lines(): Generator<string> {
    for (const [key, t] of this.persistedEdges) yield line(`e:${key}`, 'e', t);
    for (const [key, t] of this.shells) yield line(`s:${key}`, 's', t);
    for (const [cluster, t] of this.learningStart) yield line(`${LEARNING_PREFIX}${cluster}`, 'm', t);
  }

  private async compact(): Promise<void> {
    await this.file?.rewrite(() => this.lines());
  }

  private countEdge(key: string, delta: number): void {
    const cluster = clusterOfEdge(key);
    const n = (this.edgeCounts.get(cluster) ?? 0) + delta;
    if (n > 0) this.edgeCounts.set(cluster, n);
    else this.edgeCounts.delete(cluster);
  }

  /** Rewrites the data file without superseded lines every `everyMs` (an unref'd timer: it never keeps the process alive). */
  private scheduleCompaction(everyMs: number): void {
    this.compaction = setInterval(() => void this.compact(), everyMs);
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
      // Once the file holds more pruned entries than live ones, it is rewritten rather than left for the hourly one.
      if (atMs - this.lastPruneMs >= this.resolutionMs && this.prune() > this.edges.size) void this.compact();
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
  prune(): number {
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
    // The file keeps pruned entries until the next rewrite; a restart before it prunes them again on loading.
    return removed;
  }

  private write(id: string, k: Kind, t: number): void {
    this.file?.append(line(id, k, t));
  }

  /** Waits until every write so far is in the data file. */
  async flush(): Promise<void> {
    await this.file?.flush();
  }

  /** Flushes, rewrites the data file compactly and releases the directory. */
  async close(): Promise<void> {
    clearInterval(this.compaction);
    try {
      await this.flush();
      await this.compact();
    } finally {
      this.release();
    }
  }
}
