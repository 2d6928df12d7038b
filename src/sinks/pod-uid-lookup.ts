// The Pod behind a kubectl exec or attach, for its Event's involvedObject.uid: a small cache in front of a metadata GET with a deadline.
import type { ApiFailure } from './kube-api-failure.js';
import type { PodMetadataReader } from './kube-pod-reader.js';

export interface PodUidLookupOptions {
  reader: PodMetadataReader;
  /** Pods remembered at once; the oldest entry goes first. */
  maxEntries?: number;
  /** How long a uid is trusted: a Pod deleted and created again under the same name gets a new one. */
  ttlMs?: number;
  /** A lookup that takes longer is abandoned; the Event is written without the uid. */
  deadlineMs?: number;
  now?: () => number;
}

export const POD_UID_LOOKUP_DEFAULTS = { maxEntries: 512, ttlMs: 60_000, deadlineMs: 2_000 } as const;

interface Entry {
  uid: string;
  expires: number;
}

export class PodUidLookup {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly options: PodUidLookupOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The uid, from the cache or the API server; failures are not cached (the next Event asks again). */
  async uidOf(namespace: string, name: string): Promise<string | ApiFailure> {
    const key = `${namespace}/${name}`;
    const cached = this.entries.get(key);
    if (cached && cached.expires > this.now()) return cached.uid;
    this.entries.delete(key);
    const result = await this.withDeadline(namespace, name);
    if (typeof result === 'string') this.remember(key, result);
    return result;
  }

  private remember(key: string, uid: string): void {
    const max = this.options.maxEntries ?? POD_UID_LOOKUP_DEFAULTS.maxEntries;
    while (this.entries.size >= max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    this.entries.set(key, { uid, expires: this.now() + (this.options.ttlMs ?? POD_UID_LOOKUP_DEFAULTS.ttlMs) });
  }

  /** The reader is aborted at the deadline; the timer also answers if a reader ignores the signal. */
  private async withDeadline(namespace: string, name: string): Promise<string | ApiFailure> {
    const deadlineMs = this.options.deadlineMs ?? POD_UID_LOOKUP_DEFAULTS.deadlineMs;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<ApiFailure>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve({ failed: 'timeout', detail: `no answer for Pod ${namespace}/${name} within ${deadlineMs} ms` });
      }, deadlineMs);
    });
    try {
      return await Promise.race([this.options.reader.podUid(namespace, name, controller.signal), expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}
