// Reads the baseline data file as a stream into bounded maps: the newest edges within the caps, whatever size the file grew to.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface BaselineCaps {
  maxClusters: number;
  maxEdgesPerCluster: number;
}

/** Shell report keys kept at most (the newest): a day of reports per host and pid is far less. */
const MAX_SHELL_REPORTS = 20_000;
interface Line {
  _id?: unknown;
  k?: unknown;
  t?: unknown;
  $$deleted?: unknown;
}

export interface TrimResult {
  /** Lines read that were not blank. */
  lines: number;
  /** Edge lines read (a superseded sighting counts each time it was written). */
  edgeLines: number;
  edgesKept: number;
  clustersKept: number;
  /** Lines that were not JSON documents. */
  unreadable: number;
  /** Edges (or whole clusters of them) left out to stay within the caps. */
  dropped: number;
}

/** What the file holds within the caps: `e:`/`s:`/`m:` ids to their times. */
export interface BaselineEntries {
  edges: Map<string, number>;
  shells: Map<string, number>;
  meta: Map<string, number>;
}

/** `["cluster",` at the start of a key: the cluster read without parsing the whole key (it is read for every edge at start-up). */
const PLAIN_CLUSTER = /^\["([^"\\]*)",/;

/** The cluster of an edge key (`["cluster","source","dest"]`); '' for a key of another shape. */
export function clusterOfEdge(key: string): string {
  const plain = PLAIN_CLUSTER.exec(key);
  if (plain) return plain[1]!;
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

/** Streams `file` and keeps the newest edges of the newest clusters within the caps, their learning starts and the newest shell reports; memory stays within a few times the caps. */
export async function readBaselineFile(file: string, caps: BaselineCaps): Promise<{ entries: BaselineEntries; result: TrimResult }> {
  const trimmer = new Trimmer(caps);
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) trimmer.add(line);
  const entries = trimmer.entries();
  return {
    entries,
    result: {
      lines: trimmer.lines,
      edgeLines: trimmer.edgeLines,
      edgesKept: entries.edges.size,
      clustersKept: trimmer.edges.size,
      unreadable: trimmer.unreadable,
      dropped: trimmer.dropped,
    },
  };
}

class Trimmer {
  readonly edges = new Map<string, Map<string, number>>();
  meta = new Map<string, number>();
  /** The newest edge time of each cluster in `edges`. */
  private readonly latest = new Map<string, number>();
  shells = new Map<string, number>();
  lines = 0;
  edgeLines = 0;
  unreadable = 0;
  dropped = 0;

  constructor(private readonly caps: BaselineCaps) {}

  add(line: string): void {
    if (line.trim() === '') return;
    this.lines += 1;
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
    if (this.meta.size > 8 * this.caps.maxClusters) this.meta = this.keptMeta();
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
    if (t > (this.latest.get(cluster) ?? -Infinity)) this.latest.set(cluster, t);
    if (edges.size > 2 * this.caps.maxEdgesPerCluster) this.edges.set(cluster, this.cut(edges, this.caps.maxEdgesPerCluster));
    if (this.edges.size > 4 * this.caps.maxClusters) this.keepNewestClusters();
  }

  /** Keeps the clusters with the most recent edges (each cluster's newest time is kept as its edges come: ranking costs no pass over them). */
  keepNewestClusters(): void {
    if (this.edges.size <= this.caps.maxClusters) return;
    const latest = (cluster: string) => this.latest.get(cluster) ?? 0;
    const ranked = [...this.edges].sort((a, b) => latest(b[0]) - latest(a[0]));
    for (const [cluster, edges] of ranked.slice(this.caps.maxClusters)) {
      this.dropped += edges.size;
      this.edges.delete(cluster);
      this.latest.delete(cluster);
    }
  }

  private cut(edges: Map<string, number>, keep: number): Map<string, number> {
    const kept = newest(edges, keep);
    this.dropped += edges.size - kept.size;
    return kept;
  }

  /** The learning starts of the clusters kept, and of the clusters without edges the newest up to the cap (an idle cluster keeps its warm-up done). */
  private keptMeta(): Map<string, number> {
    const kept = new Map<string, number>();
    const others = new Map<string, number>();
    for (const [id, t] of this.meta) (this.edges.has(id.slice('m:learning:'.length)) ? kept : others).set(id, t);
    for (const [id, t] of newest(others, this.caps.maxClusters)) kept.set(id, t);
    return kept;
  }

  entries(): BaselineEntries {
    this.keepNewestClusters();
    const out: BaselineEntries = { edges: new Map(), shells: newest(this.shells, MAX_SHELL_REPORTS), meta: this.keptMeta() };
    for (const edges of this.edges.values()) {
      for (const [id, t] of this.cut(edges, this.caps.maxEdgesPerCluster)) out.edges.set(id, t);
    }
    return out;
  }
}
