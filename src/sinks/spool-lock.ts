// One writer per spool directory: a lock file holding the owner's pid; a lock left by a dead process is taken over.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RiskgateError } from '../riskgate-error.js';

const FILE = 'lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ownerOf(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock or throws `spool-locked`; returns the function that releases it. */
export function lockSpool(dir: string): () => void {
  const path = join(dir, FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = ownerOf(path);
      if (owner !== undefined && owner !== process.pid && alive(owner)) {
        throw new RiskgateError('spool-locked', `${dir} is in use by process ${owner}: two riskgate servers cannot share one --data-dir`);
      }
      rmSync(path, { force: true }); // stale: its owner is gone (or it is ours from an unclosed spool)
    }
  }
  throw new RiskgateError('spool-locked', `${dir}: could not take the spool lock`);
}
