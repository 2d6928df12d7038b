// A progress line on stderr for long runs: only on a terminal, only after 2 s, at most twice a second, erased at the end.
import type { Writable } from 'node:stream';

export interface ProgressOptions {
  /** Nothing is shown for a run shorter than this. */
  delayMs?: number;
  /** At most one redraw per this many milliseconds. */
  everyMs?: number;
  now?: () => number;
}

/** Redraws one line in place (`\r`, erase to end of line); a stream that is not a TTY (a pipe, a CI log) gets nothing. */
export class ProgressLine {
  private readonly started: number;
  private last = -Infinity;
  private shown = false;
  private readonly tty: boolean;
  private readonly now: () => number;
  private readonly delayMs: number;
  private readonly everyMs: number;

  constructor(
    private readonly stream: Writable & { isTTY?: boolean },
    options: ProgressOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.delayMs = options.delayMs ?? 2_000;
    this.everyMs = options.everyMs ?? 500;
    this.started = this.now();
    this.tty = stream.isTTY === true;
  }

  /** `text` is built only when it will be shown. */
  update(text: () => string): void {
    if (!this.tty) return;
    const at = this.now();
    if (at - this.started < this.delayMs || at - this.last < this.everyMs) return;
    this.last = at;
    this.shown = true;
    this.stream.write(`\r\u001b[K${text()}`);
  }

  /** Erases the line, so what follows (a summary, a table) starts at the left margin. */
  done(): void {
    if (this.shown) this.stream.write('\r\u001b[K');
    this.shown = false;
  }
}
