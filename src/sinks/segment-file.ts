// Segment files of the spool: `<12-digit id>.jsonl`, one risk event per line; listing, sizing and torn-tail repair.
import { closeSync, ftruncateSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

export interface SegmentInfo {
  id: number;
  /** Bytes written (complete lines only). */
  bytes: number;
  /** Complete lines (events) in the file. */
  events: number;
}

const SEGMENT_NAME = /^(\d{12})\.jsonl$/;

export function segmentName(id: number): string {
  return `${String(id).padStart(12, '0')}.jsonl`;
}

export function segmentPath(dir: string, id: number): string {
  return join(dir, segmentName(id));
}

/** Segment ids in a directory, oldest first; a missing directory has none. */
export function segmentIds(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .map((name) => SEGMENT_NAME.exec(name)?.[1])
    .filter((id): id is string => id !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

export function countLines(buffer: Buffer): number {
  let lines = 0;
  for (let at = buffer.indexOf(10); at !== -1; at = buffer.indexOf(10, at + 1)) lines++;
  return lines;
}

/** Size and event count of a segment, cutting a torn last line (a crash mid-append) so that appends resume cleanly. */
export function inspectSegment(dir: string, id: number): SegmentInfo & { tornBytes: number } {
  const path = segmentPath(dir, id);
  const content = readFileSync(path);
  const complete = content.lastIndexOf(10) + 1;
  const tornBytes = content.length - complete;
  if (tornBytes > 0) {
    const fd = openSync(path, 'r+');
    try {
      ftruncateSync(fd, complete);
    } finally {
      closeSync(fd);
    }
  }
  return { id, bytes: complete, events: countLines(content.subarray(0, complete)), tornBytes };
}

/**
 * The complete lines of a file between `offset` and `size` (bytes known to be fully written), at most about `maxBytes`
 * (always at least one whole line if there is one).
 */
export async function readLines(path: string, offset: number, size: number, maxBytes: number): Promise<{ lines: Buffer[]; bytes: number }> {
  const file = await open(path, 'r');
  try {
    let want = Math.min(maxBytes, size - offset);
    for (;;) {
      const buffer = Buffer.alloc(Math.max(want, 0));
      const { bytesRead } = want > 0 ? await file.read(buffer, 0, want, offset) : { bytesRead: 0 };
      const chunk = buffer.subarray(0, bytesRead);
      const end = chunk.lastIndexOf(10) + 1;
      if (end > 0 || offset + bytesRead >= size) return { lines: splitLines(chunk.subarray(0, end)), bytes: end };
      want = Math.min(want * 2 + 1024, size - offset); // one line longer than maxBytes: read further
    }
  } finally {
    await file.close();
  }
}

function splitLines(chunk: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, start)) {
    lines.push(chunk.subarray(start, at));
    start = at + 1;
  }
  return lines;
}
