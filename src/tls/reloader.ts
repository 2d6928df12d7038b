// Reloads the serving certificate when its files change on disk; a half-written or mismatched pair keeps the old one.
import type { Logger } from 'pino';
import type { PemPair } from './certificates.js';
import { readTlsFiles } from './cert-files.js';
import type { TlsFiles } from './cert-files.js';
import { watchFiles } from '../watch/file-watcher.js';
import type { FileWatcher, FileWatcherOptions } from '../watch/file-watcher.js';

export interface TlsReloader {
  /** Re-reads the files now; returns true when a new pair was handed to `apply`. */
  reload(): boolean;
  close(): void;
}

/**
 * Watches the certificate and key files. On a change it reads both, checks that they match, and calls `apply` with the
 * new pair (the server then calls setSecureContext: new handshakes use it, no restart, no failed handshake).
 */
export function watchTlsFiles(
  files: TlsFiles,
  initial: PemPair,
  apply: (pair: PemPair) => void,
  logger: Logger,
  options: FileWatcherOptions = {},
): TlsReloader {
  let current = initial;
  let lastRejected: string | undefined;
  const reload = (): boolean => {
    let next: PemPair;
    try {
      next = readTlsFiles(files);
    } catch (error) {
      // Writers replace the two files one after the other: a mismatch in between is expected, and resolved by the next event.
      const reason = (error as Error).message;
      if (reason !== lastRejected) logger.warn({ cert: files.cert, key: files.key, reason }, 'TLS files not usable (yet), keeping the current certificate');
      lastRejected = reason;
      return false;
    }
    lastRejected = undefined;
    if (next.cert === current.cert && next.key === current.key) return false;
    try {
      apply(next);
    } catch (error) {
      logger.error({ cert: files.cert, reason: (error as Error).message }, 'cannot apply the new certificate, keeping the current one');
      return false;
    }
    current = next;
    logger.info({ cert: files.cert }, 'TLS certificate reloaded');
    return true;
  };
  const watcher: FileWatcher = watchFiles([files.cert, files.key], reload, {
    ...options,
    onError: (error) => logger.warn({ cert: files.cert, reason: error.message }, 'cannot watch the TLS files'),
  });
  return { reload, close: () => watcher.close() };
}
