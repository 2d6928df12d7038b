// Watches files for changes (direct writes, atomic renames, Kubernetes ConfigMap/Secret symlink swaps) and calls back, debounced.
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { dirname } from 'node:path';

export interface FileWatcherOptions {
  /** Events within this window are coalesced into one callback (a writer often touches a file several times). */
  debounceMs?: number;
  /** Also call back on this interval, in case the file system does not report changes (network or overlay mounts). */
  pollMs?: number;
  onError?: (error: Error) => void;
}

export interface FileWatcher {
  close(): void;
}

/**
 * Watches the directories holding `files`, not the files themselves: an atomic rename or a `..data` symlink swap replaces
 * the inode a file watch would hold. The callback re-reads and compares, so a spurious call is harmless.
 */
export function watchFiles(files: readonly string[], onChange: () => void, options: FileWatcherOptions = {}): FileWatcher {
  const { debounceMs = 100, pollMs = 10_000, onError } = options;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const fire = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!closed) onChange();
    }, debounceMs);
    timer.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const dir of new Set(files.map((f) => dirname(f)))) {
    try {
      const watcher = watch(dir, { persistent: false }, fire);
      watcher.on('error', (error) => onError?.(error));
      watchers.push(watcher);
    } catch (error) {
      onError?.(error as Error);
    }
  }
  const poll = pollMs > 0 ? setInterval(fire, pollMs) : undefined;
  poll?.unref();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      for (const w of watchers) w.close();
    },
  };
}
