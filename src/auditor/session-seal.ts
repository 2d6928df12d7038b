// The auditor's sign-in cookie: the viewer's token sealed (AES-256-GCM, with an expiry) under a key every replica derives from the shared serving key, so the cookie never holds the raw token.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** How long a sign-in lasts; the token itself is still checked (TokenReview, cached a minute) on every request. */
export const SESSION_TTL_MS = 8 * 3_600_000;
const VERSION = 'v1';
const AAD = Buffer.from('riskgate-auditor-session-v1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** A sealed cookie longer than this is not one of ours (a token of ≤ 8 KiB, base64url). */
const MAX_SEALED_CHARS = 12_000;

interface Sealed {
  /** The viewer's bearer token. */
  t: string;
  /** Expiry, ms since the epoch. */
  e: number;
}

function keyFrom(material: string | Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', material, 'riskgate-auditor-session', VERSION, 32));
}

export class SessionSeal {
  private cached: { material: string | Buffer; key: Buffer } | undefined;

  /** `material`: secret bytes the replicas share (serve passes the serving key's PEM); default: random, this process only. */
  constructor(
    private readonly material: () => string | Buffer = ((random: Buffer) => () => random)(randomBytes(32)),
    private readonly now: () => number = Date.now,
  ) {}

  private key(): Buffer {
    const material = this.material();
    if (this.cached?.material !== material) this.cached = { material, key: keyFrom(material) };
    return this.cached.key;
  }

  seal(token: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key(), iv).setAAD(AAD);
    const body = Buffer.concat([cipher.update(JSON.stringify({ t: token, e: this.now() + SESSION_TTL_MS } satisfies Sealed)), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** The token sealed in `value`, or undefined when it is not a cookie this key sealed, was altered, or has expired. */
  open(value: string): string | undefined {
    if (value.length > MAX_SEALED_CHARS || !value.startsWith(`${VERSION}.`)) return undefined;
    const raw = Buffer.from(value.slice(VERSION.length + 1), 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES + 1) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key(), raw.subarray(0, IV_BYTES)).setAAD(AAD);
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
      const sealed = JSON.parse(plain.toString('utf8')) as Partial<Sealed>;
      if (typeof sealed.t !== 'string' || typeof sealed.e !== 'number' || sealed.e <= this.now()) return undefined;
      return sealed.t;
    } catch {
      return undefined;
    }
  }
}
