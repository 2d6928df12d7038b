// Writes certificate and key files atomically (temporary file, then rename) with their modes, so a watcher never reads half a file.
import { chmod, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { RiskgateError } from '../riskgate-error.js';
import { makeDirectoryTree } from '../files/directory-tree.js';

export interface PemFile {
  name: string;
  content: string;
  /** 0o600 for private keys, 0o644 for certificates. */
  mode: number;
}

export const KEY_MODE = 0o600;
export const CERT_MODE = 0o644;

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes every file into `dir` (created if needed). Without `overwrite`, refuses before writing anything when one exists.
 * Files are written in the given order; put the key before the certificate so a reloader that sees the new certificate
 * also finds its key.
 */
export async function writePemFiles(dir: string, files: readonly PemFile[], overwrite: boolean): Promise<string[]> {
  makeDirectoryTree(dir);
  const paths = files.map((f) => join(dir, f.name));
  if (!overwrite) {
    const present = [];
    for (const path of paths) if (await exists(path)) present.push(path);
    if (present.length > 0) {
      throw new RiskgateError('CERTS_EXIST', `refusing to overwrite ${present.join(', ')} (pass --force to replace them)`);
    }
  }
  for (const [i, file] of files.entries()) await writeAtomically(paths[i] as string, file.content, file.mode);
  return paths;
}

/** Writes a temporary file beside `path` with its mode, then renames it over `path`. */
export async function writeAtomically(path: string, content: string, mode: number): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, content, { mode });
  await chmod(temporary, mode);
  await rename(temporary, path);
}

/** The file's text, or undefined when it does not exist. */
export async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
