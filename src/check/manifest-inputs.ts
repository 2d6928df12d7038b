// Reads the PATH arguments of `riskgate check`: files, folders (recursive, sorted, hidden entries skipped) and `-` for stdin.
import { readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { join } from 'node:path';
import type { InputError } from './check-report.js';
import type { ManifestInput } from './check-run.js';
import { systemErrorText } from './system-error-text.js';

/** How stdin is named in reports. */
export const STDIN_NAME = '<stdin>';
/** Files a folder walk picks up; a file named on the command line is read whatever its extension. */
export const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;


function unreadable(file: string, error: unknown): ManifestInput {
  const inputError: InputError = { code: 'INPUT_UNREADABLE', file, message: `cannot read: ${systemErrorText(error)}` };
  return { file, error: inputError };
}

function readFile(file: string): ManifestInput {
  try {
    return { file, text: readFileSync(file, 'utf8') };
  } catch (error) {
    return unreadable(file, error);
  }
}

function isManifestFile(name: string): boolean {
  const lower = name.toLowerCase();
  return MANIFEST_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** Byte-order comparison, so the order does not depend on the locale. */
function byName(a: Dirent, b: Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Depth-first in name order; hidden files and folders (`.git`, `.github`, `.riskgate`) are skipped; symlink loops are cut. */
function walk(dir: string, seen: Set<string>, out: ManifestInput[]): void {
  let entries: Dirent[];
  try {
    const real = realpathSync(dir);
    if (seen.has(real)) return;
    seen.add(real);
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    out.push(unreadable(dir, error));
    return;
  }
  for (const entry of entries.sort(byName)) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const target = statSync(path);
        isDir = target.isDirectory();
        isFile = target.isFile();
      } catch (error) {
        out.push(unreadable(path, error));
        continue;
      }
    }
    if (isDir) walk(path, seen, out);
    else if (isFile && isManifestFile(entry.name)) out.push(readFile(path));
  }
}

/** Reads stdin as a stream: readFileSync(0) fails with EAGAIN when stdin is a non-blocking pipe. */
async function readStdin(stdin: AsyncIterable<Buffer | string>): Promise<ManifestInput> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    return { file: STDIN_NAME, text: Buffer.concat(chunks).toString('utf8') };
  } catch (error) {
    return unreadable(STDIN_NAME, error);
  }
}

/** Every input in argument order; unreadable paths become InputErrors and the others are still read. */
export async function readManifestInputs(paths: readonly string[], stdin: AsyncIterable<Buffer | string> = process.stdin): Promise<ManifestInput[]> {
  const out: ManifestInput[] = [];
  for (const path of paths) {
    if (path === '-') {
      out.push(await readStdin(stdin));
      continue;
    }
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch (error) {
      out.push(unreadable(path, error));
      continue;
    }
    if (isDir) walk(path, new Set(), out);
    else out.push(readFile(path));
  }
  return out;
}
