// Shared pieces of the sink tests: temp data dirs, a recording logger and observers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventWriteOutcome, KubeEventObserver } from '../../src/sinks/kube-event-observer.js';
import type { SinkLog } from '../../src/sinks/sink-log.js';
import type { DropReason, SinkObserver } from '../../src/sinks/sink-observer.js';

export function tempDir(prefix = 'riskgate-sink-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  fields: object;
  message: string;
}

export class RecordingLog implements SinkLog {
  readonly lines: LogLine[] = [];
  info(fields: object, message: string): void {
    this.lines.push({ level: 'info', fields, message });
  }
  warn(fields: object, message: string): void {
    this.lines.push({ level: 'warn', fields, message });
  }
  error(fields: object, message: string): void {
    this.lines.push({ level: 'error', fields, message });
  }
}

export class RecordingObserver implements SinkObserver {
  readonly drops: Array<{ sink: string; reason: DropReason; count: number }> = [];
  readonly failures: Array<{ sink: string; reason: string }> = [];
  deliveredCount = 0;
  dropped(sink: string, reason: DropReason, count: number): void {
    this.drops.push({ sink, reason, count });
  }
  deliveryFailed(sink: string, reason: string): void {
    this.failures.push({ sink, reason });
  }
  delivered(_sink: string, count: number): void {
    this.deliveredCount += count;
  }
}

export class RecordingKubeEvents implements KubeEventObserver {
  readonly writes: EventWriteOutcome[] = [];
  readonly lookupFailures: string[] = [];
  eventWritten(outcome: EventWriteOutcome): void {
    this.writes.push(outcome);
  }
  uidLookupFailed(reason: string): void {
    this.lookupFailures.push(reason);
  }
}

/** Polls `predicate` (state the sink updates after an answer) until it holds; rejects after `timeoutMs`. */
export async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
