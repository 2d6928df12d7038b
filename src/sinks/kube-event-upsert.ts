// Adds occurrences to one Event shared by every writer (replicas, restarts): create it, or on AlreadyExists read it and raise its count under its resourceVersion, re-reading on Conflict.
import { isApiFailure, type ApiFailure } from './api-failure.js';
import type { KubeEvent } from './kube-event-body.js';
import type { KubeEventWriter, StoredEvent } from './kube-event-writer.js';

/** Create and patch attempts for one addition; each Conflict means another writer got in first. */
export const MAX_UPSERT_ATTEMPTS = 5;

interface Target {
  namespace: string;
  name: string;
  /** Occurrences to add. */
  add: number;
  lastTimestamp: string;
}

/** First write of this window: the Event to create (its count is `add`) if no other writer made it yet. */
export interface NewEventTarget extends Target {
  body: KubeEvent;
}

/** A later write: the Event as this writer last saw it. */
export interface KnownEventTarget extends Target {
  known: StoredEvent;
}

export type UpsertOutcome = { outcome: 'created' | 'updated'; stored: StoredEvent } | 'missing' | ApiFailure;

function later(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/**
 * Writes the occurrences. `missing` only for a known Event that is gone (events TTL, deleted): the caller creates it
 * again with all it counted; a new Event deleted between our create and read is simply created again here.
 */
export async function addToEvent(writer: KubeEventWriter, target: NewEventTarget | KnownEventTarget): Promise<UpsertOutcome> {
  const body = 'body' in target ? target.body : undefined;
  let current: StoredEvent | undefined = 'known' in target ? target.known : undefined;
  for (let attempt = 0; attempt < MAX_UPSERT_ATTEMPTS; attempt++) {
    if (!current) {
      if (!body) return 'missing';
      const created = await writer.create(body);
      if (created !== 'exists') return isApiFailure(created) ? created : { outcome: 'created', stored: created };
    } else {
      const change = { count: current.count + target.add, lastTimestamp: later(current.lastTimestamp, target.lastTimestamp), resourceVersion: current.resourceVersion };
      const patched = await writer.patchCount(target.namespace, target.name, change);
      if (patched === 'missing') {
        if (!body) return 'missing';
        current = undefined;
        continue;
      }
      if (patched !== 'conflict') return isApiFailure(patched) ? patched : { outcome: 'updated', stored: patched };
    }
    // AlreadyExists or Conflict: another writer made or changed the Event; read what it holds now.
    const read = await writer.read(target.namespace, target.name);
    if (isApiFailure(read)) return read;
    current = read === 'missing' ? undefined : read;
  }
  return { failed: 'conflict', detail: `the Event ${target.namespace}/${target.name} changed under each of ${MAX_UPSERT_ATTEMPTS} attempts` };
}
