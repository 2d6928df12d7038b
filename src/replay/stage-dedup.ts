// Keeps one audit event per request: ResponseComplete (or Panic) when it comes, else the last stage seen; bounded memory.
import type { AuditEvent } from '../kubernetes/audit-event.js';
import { FINAL_STAGES } from '../kubernetes/audit-event.js';

export interface Staged<T> {
  event: AuditEvent;
  /** What the caller attached (e.g. file:line of the event). */
  tag: T;
}

/**
 * Requests whose final stage has not arrived wait in insertion order; past `maxPending` the oldest is released as
 * "last seen" (a long-running request, or a log with the final stage omitted). IDs of released final stages are
 * remembered (bounded too) so the same request in two files or twice in one log counts once.
 */
export class StageDedup<T> {
  private readonly pending = new Map<string, Staged<T>>();
  private readonly done = new Set<string>();

  constructor(
    private readonly maxPending = 4096,
    private readonly maxDone = 65536,
  ) {}

  /** The events released by this one, in order. */
  push(event: AuditEvent, tag: T): Array<Staged<T>> {
    const id = event.auditID;
    if (this.done.has(id)) return [];
    if (FINAL_STAGES.includes(event.stage)) {
      this.pending.delete(id);
      this.remember(id);
      return [{ event, tag }];
    }
    this.pending.delete(id);
    this.pending.set(id, { event, tag });
    if (this.pending.size <= this.maxPending) return [];
    const [oldestId, oldest] = this.pending.entries().next().value as [string, Staged<T>];
    this.pending.delete(oldestId);
    return [oldest];
  }

  /** Releases every waiting request (end of input). */
  flush(): Array<Staged<T>> {
    const rest = [...this.pending.values()];
    this.pending.clear();
    return rest;
  }

  private remember(id: string): void {
    this.done.add(id);
    if (this.done.size > this.maxDone) this.done.delete(this.done.values().next().value as string);
  }
}
