// The auditor's sign-in cookie: the token sealed, never readable in the cookie, refused when altered, expired or sealed by another key.
import { createHash } from 'node:crypto';
import { SESSION_TTL_MS, SessionSeal } from '../../src/auditor/session-seal.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.a-kubernetes-token.signature';
const SERVING_KEY = '-----BEGIN PRIVATE KEY-----\nthe replicas shared serving key\n-----END PRIVATE KEY-----\n';

describe('SessionSeal', () => {
  test('a sealed cookie opens to the token, and holds no form of it', () => {
    const seal = new SessionSeal(() => SERVING_KEY);
    const cookie = seal.seal(TOKEN);
    expect(seal.open(cookie)).toBe(TOKEN);
    for (const form of [TOKEN, encodeURIComponent(TOKEN), Buffer.from(TOKEN).toString('base64'), Buffer.from(TOKEN).toString('base64url'), 'a-kubernetes-token']) {
      expect(cookie).not.toContain(form);
    }
    expect(cookie).not.toContain(createHash('sha256').update(TOKEN).digest('hex'));
    expect(seal.seal(TOKEN)).not.toBe(cookie);
  });

  test('another replica with the same serving key opens it; a key of its own does not', () => {
    const cookie = new SessionSeal(() => SERVING_KEY).seal(TOKEN);
    expect(new SessionSeal(() => SERVING_KEY).open(cookie)).toBe(TOKEN);
    expect(new SessionSeal(() => `${SERVING_KEY}renewed`).open(cookie)).toBeUndefined();
    expect(new SessionSeal().open(cookie)).toBeUndefined();
  });

  test('an altered, truncated, foreign or oversized cookie is refused without an exception', () => {
    const seal = new SessionSeal(() => SERVING_KEY);
    const cookie = seal.seal(TOKEN);
    const flipped = `${cookie.slice(0, 20)}${cookie[20] === 'A' ? 'B' : 'A'}${cookie.slice(21)}`;
    for (const value of [flipped, cookie.slice(0, -4), 'v1.', 'v2' + cookie.slice(2), TOKEN, '', `v1.${'A'.repeat(20_000)}`, 'v1.%%%']) {
      expect(seal.open(value)).toBeUndefined();
    }
  });

  test('it expires after the session time', () => {
    let now = Date.parse('2026-12-03T12:00:00Z');
    const seal = new SessionSeal(() => SERVING_KEY, () => now);
    const cookie = seal.seal(TOKEN);
    now += SESSION_TTL_MS - 1;
    expect(seal.open(cookie)).toBe(TOKEN);
    now += 1;
    expect(seal.open(cookie)).toBeUndefined();
  });
});
