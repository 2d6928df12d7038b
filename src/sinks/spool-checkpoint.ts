// The delivered-offset checkpoint of the spool: where delivery resumes after a restart (written atomically: tmp, fsync, rename).
import { readFileSync, renameSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { RiskgateError } from '../riskgate-error.js';

/** A position in the spool: segment id, byte offset in it, and how many events precede that offset in the segment. */
export interface SpoolPosition {
  segment: number;
  offset: number;
  index: number;
}

export const SPOOL_START: SpoolPosition = { segment: 0, offset: 0, index: 0 };

const FILE = 'checkpoint.json';

function isPosition(value: unknown): value is SpoolPosition {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return [v['segment'], v['offset'], v['index']].every((n) => Number.isInteger(n) && (n as number) >= 0);
}

/**
 * The checkpoint; SPOOL_START when there is none. One that is not a position (empty, truncated, edited) is renamed
 * `checkpoint.json.corrupt-<time>`, reported through onCorrupt, and delivery starts over: duplicates, never a stop.
 */
export function readCheckpoint(dir: string, onCorrupt?: (fields: { file: string; setAside: string }) => void): SpoolPosition {
  let text: string;
  try {
    text = readFileSync(join(dir, FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return SPOOL_START;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (isPosition(parsed)) return parsed;
  const file = join(dir, FILE);
  const setAside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    renameSync(file, setAside);
  } catch (error) {
    throw new RiskgateError('spool-checkpoint-invalid', `${file}: not a spool checkpoint ({"segment","offset","index"}) and cannot be set aside (${(error as NodeJS.ErrnoException).code ?? 'EIO'}); remove it to redeliver the whole spool`);
  }
  onCorrupt?.({ file, setAside });
  return SPOOL_START;
}

export async function writeCheckpoint(dir: string, position: SpoolPosition): Promise<void> {
  const tmp = join(dir, `${FILE}.tmp`);
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(`${JSON.stringify(position)}\n`);
    await file.datasync();
  } finally {
    await file.close();
  }
  await rename(tmp, join(dir, FILE));
}
