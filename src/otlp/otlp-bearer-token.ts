// The OTLP receiver's bearer token: read from a file (a mounted Secret), re-read when it changes, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { RiskgateError } from '../riskgate-error.js';

/** How often the file's modification time is looked at (a rotated Secret is picked up within this). */
const RECHECK_MS = 5_000;

const digest = (text: string) => createHash('sha256').update(text).digest();

/** `Authorization: Bearer <token>`, as the OpenTelemetry Collector's bearertokenauth extension sends it. */
export class BearerToken {
  private expected: Buffer;
  private mtimeMs: number;
  private checkedAt = 0;

  constructor(private readonly file: string) {
    this.mtimeMs = this.modified();
    this.expected = this.read();
  }

  private modified(): number {
    try {
      return statSync(this.file).mtimeMs;
    } catch (error) {
      throw new RiskgateError('OTLP_TOKEN_FILE', `cannot read the OTLP token file ${this.file} (--otlp-token-file): ${(error as NodeJS.ErrnoException).code ?? 'EIO'}`);
    }
  }

  private read(): Buffer {
    const token = readFileSync(this.file, 'utf8').trim();
    if (token === '') throw new RiskgateError('OTLP_TOKEN_FILE', `the OTLP token file ${this.file} (--otlp-token-file) is empty`);
    return digest(token);
  }

  /** Re-reads the file when it changed; a file that became unreadable or empty keeps the last token. */
  private refresh(now: number): void {
    if (now - this.checkedAt < RECHECK_MS) return;
    this.checkedAt = now;
    try {
      const mtime = this.modified();
      if (mtime !== this.mtimeMs) {
        this.expected = this.read();
        this.mtimeMs = mtime;
      }
    } catch {
      // Mid-rotation: keep the token in force.
    }
  }

  /** True when the header carries the token. */
  accepts(authorization: string | undefined, now = Date.now()): boolean {
    this.refresh(now);
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    return match !== null && timingSafeEqual(digest(match[1]!), this.expected);
  }
}
