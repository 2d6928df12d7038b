// One view over every replica: this process's events and each peer's (asked in parallel, with one deadline), merged once per decision (event_id, action, time), with who answered.
import { decisionKey } from '../outputs/risk-decision.js';
import type { X509Certificate } from 'node:crypto';
import { filterQuery, matching, newestFirst, type EventFilter } from './event-filter.js';
import { askPeer, PeerFailure, type Peer, type PeerAnswer } from './peer-client.js';
import type { PeerDirectory } from './peer-directory.js';
import type { ViewEvent } from './view-event.js';

/** Events one peer may send (its whole memory by default), and for all peers together. */
export const PEER_EVENT_LIMIT = 10_000;
export const FLEET_EVENT_BUDGET = 40_000;
export const DEFAULT_PEER_DEADLINE_MS = 3_000;
export const PEER_ANSWER_MAX_BYTES = 32 * 1024 * 1024;

export interface ReplicaStatus {
  name: string;
  /** The replica that served this view. */
  self?: true;
  answered: boolean;
  /** Matching events it sent. */
  events?: number;
  /** Matching events it holds (more than `events` when it was cut at the per-peer limit). */
  total?: number;
  /** Why it did not answer (its events are missing from the view). */
  error?: string;
  /** Why it was not asked. */
  skipped?: string;
}

export interface FleetView {
  /** Every matching event, each decision (event_id, action, time) once, newest first. */
  events: ViewEvent[];
  replicas: ReplicaStatus[];
  /** Why the list of replicas itself may be incomplete. */
  discovery_error?: string;
  /** False when a replica did not answer or sent only part of its events, or the replicas could not be listed. */
  complete: boolean;
}

export interface FleetOptions {
  selfName: string;
  local: () => readonly ViewEvent[];
  directory?: PeerDirectory;
  trusts: (certificate: X509Certificate) => boolean;
  deadlineMs?: number;
  /** Told of each peer that did not answer (serve logs it). */
  onMissing?: (replica: ReplicaStatus) => void;
}

export type Scope = 'local' | 'fleet';

function mergeOnce(lists: ReadonlyArray<readonly ViewEvent[]>): ViewEvent[] {
  const seen = new Map<string, ViewEvent>();
  for (const list of lists) {
    for (const event of list) {
      const key = decisionKey(event);
      if (!seen.has(key)) seen.set(key, event);
    }
  }
  return [...seen.values()].sort(newestFirst);
}

export class FleetEvents {
  constructor(private readonly options: FleetOptions) {}

  /** The matching events of this replica (scope local: what a peer answers) or of every replica (the view). */
  async collect(filter: EventFilter, token: string, scope: Scope): Promise<FleetView> {
    const own = matching(this.options.local(), filter).map((e) => ({ ...e, replica: this.options.selfName }));
    const self: ReplicaStatus = { name: this.options.selfName, self: true, answered: true, events: own.length, total: own.length };
    const directory = this.options.directory;
    if (scope === 'local' || !directory || directory.alone) return { events: own, replicas: [self], complete: true };
    const list = await directory.list();
    const limit = Math.min(PEER_EVENT_LIMIT, Math.floor(FLEET_EVENT_BUDGET / Math.max(1, list.peers.length)));
    const query = filterQuery({ ...filter, limit, offset: 0 });
    query.set('scope', 'local');
    const answers = await Promise.all(list.peers.map((peer) => this.ask(peer, token, query)));
    const replicas: ReplicaStatus[] = [self];
    const lists: ViewEvent[][] = [own];
    list.peers.forEach((peer, i) => {
      const answer = answers[i]!;
      if (answer instanceof PeerFailure) {
        const missing = { name: peer.name, answered: false, error: answer.message };
        this.options.onMissing?.(missing);
        return replicas.push(missing);
      }
      lists.push(answer.events.map((e) => ({ ...e, replica: peer.name })));
      replicas.push({ name: peer.name, answered: true, events: answer.events.length, total: answer.total });
    });
    replicas.push(...list.skipped.map((s) => ({ name: s.name, answered: false, skipped: s.reason })));
    const answeredAll = replicas.every((r) => r.skipped !== undefined || (r.answered && r.events === r.total));
    const complete = !list.error && answeredAll && !list.skipped.some((s) => s.missing);
    return { events: mergeOnce(lists), replicas, complete, ...(list.error ? { discovery_error: list.error } : {}) };
  }

  private async ask(peer: Peer, token: string, query: URLSearchParams): Promise<PeerAnswer | PeerFailure> {
    try {
      return await askPeer(peer, { token, query, trusts: this.options.trusts, deadlineMs: this.options.deadlineMs ?? DEFAULT_PEER_DEADLINE_MS, maxBytes: PEER_ANSWER_MAX_BYTES });
    } catch (error) {
      return error instanceof PeerFailure ? error : new PeerFailure((error as Error).message);
    }
  }
}
