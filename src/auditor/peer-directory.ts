// Who the other replicas are: static peers (--auditor-peer) and the Service's EndpointSlices (--auditor-peers-service), listed at most every few seconds, bounded.
import { hostname, networkInterfaces } from 'node:os';
import type { Peer } from './peer-client.js';
import { peersOfSlices, type IsSelf, type SkippedPeer } from './endpoint-slice-peers.js';
import type { EndpointSliceReader, ServiceRef } from './endpoint-slice-reader.js';

/** The named Service port the replicas' auditor listens on (the chart's). */
export const AUDITOR_PORT_NAME = 'auditor';
export const MAX_PEERS = 16;
const LIST_TTL_MS = 5_000;
const LIST_DEADLINE_MS = 3_000;

export interface PeerList {
  peers: Peer[];
  skipped: SkippedPeer[];
  /** Why the Service's EndpointSlices could not be read (the view then lacks the replicas they would name). */
  error?: string;
}

export interface PeerDirectoryOptions {
  staticPeers: readonly Peer[];
  service?: { ref: ServiceRef; reader: EndpointSliceReader };
  isSelf?: IsSelf;
  now?: () => number;
}

/** This process's own endpoint: its Pod name is its hostname, its Pod IP one of its interface addresses. */
export function ownEndpoint(): IsSelf {
  const name = hostname();
  const addresses = new Set(Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address)));
  return (address, podName) => podName === name || addresses.has(address);
}

export class PeerDirectory {
  private cached: { list: PeerList; at: number } | undefined;
  private pending: Promise<PeerList> | undefined;
  private readonly now: () => number;
  private readonly isSelf: IsSelf;

  constructor(private readonly options: PeerDirectoryOptions) {
    this.now = options.now ?? Date.now;
    this.isSelf = options.isSelf ?? ownEndpoint();
  }

  /** True when there is nobody to ask, ever (a single process without peers configured). */
  get alone(): boolean {
    return this.options.staticPeers.length === 0 && !this.options.service;
  }

  async list(): Promise<PeerList> {
    if (this.cached && this.now() - this.cached.at < LIST_TTL_MS) return this.cached.list;
    this.pending ??= this.read().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async read(): Promise<PeerList> {
    const found: PeerList = { peers: [...this.options.staticPeers], skipped: [] };
    const service = this.options.service;
    if (service) {
      const signal = AbortSignal.timeout(LIST_DEADLINE_MS);
      try {
        const slices = await service.reader.list(service.ref, signal);
        const fromSlices = peersOfSlices(slices, AUDITOR_PORT_NAME, this.isSelf);
        const known = new Set(found.peers.map((p) => p.url));
        found.peers.push(...fromSlices.peers.filter((p) => !known.has(p.url)));
        found.skipped.push(...fromSlices.skipped);
      } catch (error) {
        found.error = `the EndpointSlices of Service ${service.ref.namespace}/${service.ref.name} could not be listed (${(error as Error).message})`;
      }
    }
    const over = found.peers.splice(MAX_PEERS);
    found.skipped.push(...over.map((p) => ({ name: p.name, reason: `not asked: more than ${MAX_PEERS} peers`, missing: true as const })));
    // A failed LIST is kept as long as a good one: a page load does not wait on a refusing API server each time.
    this.cached = { list: found, at: this.now() };
    return found;
  }
}
