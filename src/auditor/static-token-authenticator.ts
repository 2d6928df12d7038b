// Local access to the auditor view: one static bearer token read from a file (--auditor-token-file), compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RiskgateError } from '../riskgate-error.js';
import type { AccessDecision, Authenticator } from './authenticator.js';

export const MIN_STATIC_TOKEN_LENGTH = 16;

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export class StaticTokenAuthenticator implements Authenticator {
  readonly kind = 'static-token';
  private readonly expected: Buffer;

  constructor(token: string, private readonly user = 'static-token') {
    if (token.length < MIN_STATIC_TOKEN_LENGTH) throw new RiskgateError('auditor-token-weak', `the auditor token must be at least ${MIN_STATIC_TOKEN_LENGTH} characters`);
    this.expected = digest(token);
  }

  static fromFile(file: string): StaticTokenAuthenticator {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new RiskgateError('auditor-token-unreadable', `--auditor-token-file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    try {
      return new StaticTokenAuthenticator(text.trim());
    } catch (error) {
      throw new RiskgateError('auditor-token-weak', `--auditor-token-file ${file}: ${(error as Error).message}`);
    }
  }

  async check(token: string): Promise<AccessDecision> {
    return timingSafeEqual(digest(token), this.expected) ? { outcome: 'allowed', user: this.user } : { outcome: 'unauthenticated', reason: 'invalid token' };
  }
}
