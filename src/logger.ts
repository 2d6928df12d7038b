// The process logger: pino JSON lines on stdout (one shared destination, so risk events and logs never interleave mid-line).
import { pino } from 'pino';
import type { DestinationStream, Level, Logger } from 'pino';

export type { Logger } from 'pino';

export const LOG_LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/** Buffered lines are written at least this often, so a quiet server's lines (listening, draining…) reach `kubectl logs`. */
export const LOG_FLUSH_INTERVAL_MS = 200;

/**
 * stdout through an asynchronous sonic-boom buffer: a log line never blocks a review on a slow pipe. Writes are batched
 * (4 KiB) under load and flushed on a timer when quiet. Call `flushSync()` before the process exits.
 */
export function stdoutDestination(): DestinationStream & { flushSync(): void } {
  return pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: LOG_FLUSH_INTERVAL_MS });
}

export interface LoggerOptions {
  level?: Level;
  /** Where lines go; stdout by default. Tests pass a memory stream. */
  destination?: DestinationStream;
}

/** The operational logger. Callers log ids and names, never request objects or secrets. */
export function createLogger({ level = 'info', destination = stdoutDestination() }: LoggerOptions = {}): Logger {
  return pino({ level, base: { app: 'riskgate' }, formatters: { level: (label) => ({ level: label }) } }, destination);
}
