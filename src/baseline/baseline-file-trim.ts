// Bounds the baseline data file before it is loaded: streams it and keeps the newest edges within the caps, whatever size it grew to.
import { createReadStream, renameSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface BaselineCaps {
  maxClusters: number;
  maxEdgesPerCluster: number;
}

/** Shell report keys kept at most (the newest): a day of reports per host and pid is far less. */
const MAX_SHELL_REPORTS = 20_000;
/** Bytes of data file per edge the caps allow before the file is streamed instead of loaded whole. */
const BYTES_PER_EDGE = 256;

interface Line {
  _id?: unknown;
  k?: unknown;
  t?: unknown;
  $$deleted?: unknown;
}

export interface TrimResult {
  /** Edge lines read (a superseded sighting counts each time it was written). */
  edgeLines: number;
  edgesKept: number;
  clustersKept: number;
  /** Lines that were not JSON documents. */
  unreadable: number;
}

/** The size over which a data file is trimmed before loading. */
export function trimThreshold(caps: BaselineCaps): number {
  return Math.max(1024 * 1024, caps.maxClusters * caps.maxEdgesPerCluster * BYTES_PER_EDGE);
}

/** The cluster of an edge key (`["cluster","source","dest"]`); '' for a key of another shape. */
export function clusterOfEdge(key: string): string {
  try {
    const parsed = JSON.parse(key) as unknown;
    return Array.isArray(parsed) && typeof parsed[0] === 'string' ? parsed[0] : '';
  } catch {
    return '';
  }
}

/** The `keep` largest values of a map (by time), as a new map. */
function newest(entries: Map<string, number>, keep: number): Map<string, number> {
  if (entries.size <= keep) return entries;
  return new Map([...entries].sort((a, b) => b[1] - a[1]).slice(0, keep));
}

class Trimmer {
  readonly edges = new Map<string, Map<string, number>>();
  readonly meta = new Map<string, number>();
  shells = new Map<string, number>();
  edgeLines = 0;
  unreadable = 0;

  constructor(private readonly caps: BaselineCaps) {}

  add(line: string): void {
    if (line.trim() === '') return;
    let doc: Line;
    try {
      doc = JSON.parse(line) as Line;
    } catch {
      this.unreadable += 1;
      return;
    }
    if (typeof doc._id !== 'string') return;
    if (doc.$$deleted === true) return this.remove(doc._id);
    if (typeof doc.t !== 'number') return;
    if (doc.k === 'e') this.addEdge(doc._id, doc.t);
    else if (doc.k === 's') this.shells.set(doc._id, doc.t);
    else if (doc.k === 'm') this.meta.set(doc._id, doc.t);
    if (this.shells.size > 2 * MAX_SHELL_REPORTS) this.shells = newest(this.shells, MAX_SHELL_REPORTS);
  }

  private remove(id: string): void {
    this.edges.get(clusterOfEdge(id.slice(2)))?.delete(id);
    this.shells.delete(id);
    this.meta.delete(id);
  }

  private addEdge(id: string, t: number): void {
    const cluster = clusterOfEdge(id.slice(2));
    this.edgeLines += 1;
    let edges = this.edges.get(cluster);
    if (!edges) this.edges.set(cluster, (edges = new Map()));
    edges.set(id, t);
    if (edges.size > 2 * this.caps.maxEdgesPerCluster) this.edges.set(cluster, newest(edges, this.caps.maxEdgesPerCluster));
    if (this.edges.size > 4 * this.caps.maxClusters) this.keepNewestClusters();
  }

  /** Keeps the clusters with the most recent edges. */
  keepNewestClusters(): void {
    const latest = (edges: Map<string, number>) => Math.max(0, ...edges.values());
    const ranked = [...this.edges].sort((a, b) => latest(b[1]) - latest(a[1]));
    for (const [cluster] of ranked.slice(this.caps.maxClusters)) this.edges.delete(cluster);
  }

  lines(): string[] {
    this.keepNewestClusters();
    const out: string[] = [];
    for (const [cluster, edges] of this.edges) {
      for (const [id, t] of newest(edges, this.caps.maxEdgesPerCluster)) out.push(JSON.stringify({ _id: id, k: 'e', t }));
      const learning = `m:learning:${cluster}`;
      const since = this.meta.get(learning);
      if (since !== undefined) out.push(JSON.stringify({ _id: learning, k: 'm', t: since }));
    }
    for (const [id, t] of newest(this.shells, MAX_SHELL_REPORTS)) out.push(JSON.stringify({ _id: id, k: 's', t }));
    return out;
  }
}

/**
 * Rewrites `file` with the newest edges of the newest clusters within the caps (and their learning starts, and the
 * newest shell reports). Memory stays within a few times the caps however large the file is.
 */
export async function trimBaselineFile(file: string, caps: BaselineCaps): Promise<TrimResult> {
  const trimmer = new Trimmer(caps);
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) trimmer.add(line);
  const kept = trimmer.lines();
  writeFileSync(`${file}.trim`, kept.length > 0 ? `${kept.join('\n')}\n` : '');
  renameSync(`${file}.trim`, file);
  return {
    edgeLines: trimmer.edgeLines,
    edgesKept: kept.filter((line) => line.includes('"k":"e"')).length,
    clustersKept: trimmer.edges.size,
    unreadable: trimmer.unreadable,
  };
}
