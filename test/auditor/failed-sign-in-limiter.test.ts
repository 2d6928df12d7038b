// Failed sign-ins per address: a burst, then one try per refill interval; other addresses unaffected; the table bounded.
import { FailedSignInLimiter } from '../../src/auditor/failed-sign-in-limiter.js';

describe('FailedSignInLimiter', () => {
  test('ten failures are allowed at once; the eleventh try waits for the next refill', () => {
    let now = 1_000_000;
    const limiter = new FailedSignInLimiter({ burst: 10, refillMs: 6_000, maxAddresses: 100 }, () => now);
    for (let i = 0; i < 9; i++) limiter.fail('10.0.0.9');
    expect(limiter.retryAfter('10.0.0.9')).toBe(0);
    limiter.fail('10.0.0.9');
    expect(limiter.retryAfter('10.0.0.9')).toBe(6);
    expect(limiter.retryAfter('10.0.0.10')).toBe(0);
    now += 2_500;
    expect(limiter.retryAfter('10.0.0.9')).toBe(4);
    now += 3_500;
    expect(limiter.retryAfter('10.0.0.9')).toBe(0);
    limiter.fail('10.0.0.9');
    expect(limiter.retryAfter('10.0.0.9')).toBe(6);
  });

  test('failures drain: after burst × refill an address is forgotten', () => {
    let now = 0;
    const limiter = new FailedSignInLimiter({ burst: 3, refillMs: 1_000, maxAddresses: 100 }, () => now);
    for (let i = 0; i < 50; i++) limiter.fail('a');
    expect(limiter.retryAfter('a')).toBe(1);
    now += 3_000;
    expect(limiter.retryAfter('a')).toBe(0);
    expect(limiter.size).toBe(0);
  });

  test('the table holds at most maxAddresses: many addresses forget the oldest, never grow', () => {
    const limiter = new FailedSignInLimiter({ burst: 1, refillMs: 60_000, maxAddresses: 64 }, () => 0);
    for (let i = 0; i < 10_000; i++) limiter.fail(`10.1.${i >> 8}.${i & 255}`);
    expect(limiter.size).toBe(64);
    expect(limiter.retryAfter('10.1.39.15')).toBeGreaterThan(0);
    expect(limiter.retryAfter('10.1.0.0')).toBe(0);
  });
});
