// The baseline's data file on disk: JSON lines appended in batches, and rewritten whole from memory (compaction), one operation at a time.
import { appendFile, open, rename } from 'node:fs/promises';

/** Lines written per chunk of a rewrite: a rewrite of 80,000 edges never holds the whole file as one string. */
const CHUNK_LINES = 4096;

/**
 * Appends queue up and go out together once the current tick ends, in order; a rewrite waits for the appends queued
 * before it and replaces the file atomically (temporary file, then rename). A failed write is reported and the next
 * one is tried: the store's memory stays right, and the next rewrite puts the file right too.
 */
export class BaselineLog {
  private queued: string[] = [];
  private chain: Promise<void> = Promise.resolve();
  private scheduled = false;

  constructor(
    readonly file: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  append(line: string): void {
    this.queued.push(line);
    if (this.scheduled) return;
    this.scheduled = true;
    this.enqueue(async () => {
      this.scheduled = false;
      const lines = this.queued;
      this.queued = [];
      if (lines.length > 0) await appendFile(this.file, `${lines.join('\n')}\n`);
    });
  }

  /** Replaces the file with `lines()`, read when the rewrite's turn comes (after every append queued before it). */
  rewrite(lines: () => Iterable<string>): Promise<void> {
    return this.enqueue(async () => {
      const temporary = `${this.file}.tmp`;
      const handle = await open(temporary, 'w');
      try {
        let chunk: string[] = [];
        for (const line of lines()) {
          chunk.push(line);
          if (chunk.length < CHUNK_LINES) continue;
          await handle.write(`${chunk.join('\n')}\n`);
          chunk = [];
        }
        if (chunk.length > 0) await handle.write(`${chunk.join('\n')}\n`);
      } finally {
        await handle.close();
      }
      await rename(temporary, this.file);
    });
  }

  /** Resolves when everything appended so far is in the file (or has failed and been reported). */
  async flush(): Promise<void> {
    let before;
    do {
      before = this.chain;
      await before;
    } while (before !== this.chain);
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(task).catch((error: unknown) => this.onError(error));
    this.chain = run;
    return run;
  }
}
