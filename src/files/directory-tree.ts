// Creates a directory and its missing parents one level at a time: Node 20's `mkdir(…, {recursive: true})` loops forever under /proc and other paths it cannot create.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

function errnoError(code: string, syscall: string, path: string, detail: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${detail}, ${syscall} '${path}'`), { code, syscall, path });
}

/** The path's missing directories, outermost first; throws ENOTDIR when an existing ancestor is not a directory. */
function missingDirectories(path: string): string[] {
  const missing: string[] = [];
  for (let current = resolve(path); ; current = dirname(current)) {
    const stats = statSync(current, { throwIfNoEntry: false });
    if (stats) {
      if (!stats.isDirectory()) throw errnoError('ENOTDIR', 'mkdir', current, 'not a directory');
      return missing.reverse();
    }
    missing.push(current);
    if (dirname(current) === current) return missing.reverse();
  }
}

/**
 * `mkdir -p`: creates `path` and its missing parents (mode 0777 before the umask, as mkdir does), and fails at once,
 * with the error of the level that cannot be made, where the recursive form of Node 20 can spin.
 */
export function makeDirectoryTree(path: string): void {
  for (const directory of missingDirectories(path)) {
    try {
      mkdirSync(directory);
    } catch (error) {
      // Made meanwhile by another process: fine when it is a directory.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(directory).isDirectory()) throw error;
    }
  }
}
