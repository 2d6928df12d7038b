// The log format of serve: pino's JSON lines as they are (for collectors), or a human line per entry for a terminal (`--log-format pretty`).
import type { DestinationStream } from 'pino';

export type LogFormat = 'json' | 'pretty';
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

/** pretty when stdout is a terminal, json otherwise (a pipe, a file, a container log). */
export function defaultLogFormat(stdoutIsTty: boolean | undefined): LogFormat {
  return stdoutIsTty ? 'pretty' : 'json';
}

/** Fields every line has, shown in the line's head rather than as key=value. */
const HEAD = new Set(['level', 'time', 'msg', 'app']);

function clockTime(time: unknown): string {
  const date = typeof time === 'number' || typeof time === 'string' ? new Date(time) : new Date(Number.NaN);
  return Number.isNaN(date.getTime()) ? '--:--:--.---' : date.toISOString().slice(11, 23);
}

function fieldText(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return typeof value === 'string' && /^[^\s"=]+$/.test(value) ? value : JSON.stringify(text === undefined ? null : value);
}

/** One JSON log line as `HH:MM:SS.mmm LEVEL message key=value …` (UTC); a line that is not a JSON object passes unchanged. */
export function prettyLine(line: string): string {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return line;
  const record = entry as Record<string, unknown>;
  const level = String(record['level'] ?? (record['event_id'] ? 'risk' : 'info')).toUpperCase().padEnd(5);
  const fields = Object.entries(record).filter(([key]) => !HEAD.has(key)).map(([key, value]) => `${key}=${fieldText(value)}`);
  return [clockTime(record['time']), level, String(record['msg'] ?? ''), ...fields].filter((part) => part !== '').join(' ');
}

/** Wraps a destination so that each complete line written is made pretty; flushSync passes through. */
export function prettyDestination(inner: DestinationStream & { flushSync?: () => void }): DestinationStream & { flushSync(): void } {
  let pending = '';
  return {
    write(chunk: string): void {
      const text = pending + chunk;
      const end = text.lastIndexOf('\n');
      pending = text.slice(end + 1);
      if (end < 0) return;
      inner.write(`${text.slice(0, end).split('\n').map(prettyLine).join('\n')}\n`);
    },
    flushSync(): void {
      if (pending) inner.write(`${prettyLine(pending)}\n`);
      pending = '';
      inner.flushSync?.();
    },
  };
}
