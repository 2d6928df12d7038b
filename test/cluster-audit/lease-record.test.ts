// Leader election decisions over a Lease: renew our own, wait while another holder renews, take over a free or expired one (by our own clock).
import { microTime, nextStep, observe, releasedSpec, type LeaseSpec } from '../../src/cluster-audit/lease-record.js';

const T0 = new Date('2026-03-02T10:00:00.123Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const held = (holder: string, renewSecond: number): LeaseSpec => ({ holderIdentity: holder, leaseDurationSeconds: 15, acquireTime: microTime(T0), renewTime: microTime(at(renewSecond)), leaseTransitions: 2 });

describe('lease decisions', () => {
  test('MicroTime has six fractional digits', () => {
    expect(microTime(T0)).toBe('2026-03-02T10:00:00.123000Z');
  });

  test('our own lease is renewed: same acquire time and transitions, a new renew time', () => {
    const spec = held('me', 0);
    const seen = observe(undefined, spec, '1', T0.getTime());
    expect(nextStep(spec, seen, 'me', at(2), 15)).toEqual({
      kind: 'write',
      takeover: false,
      spec: { holderIdentity: 'me', leaseDurationSeconds: 15, acquireTime: microTime(T0), renewTime: microTime(at(2)), leaseTransitions: 2 },
    });
  });

  test('another holder that keeps renewing is waited for, however old its renew time looks (clocks are not compared)', () => {
    const spec = { ...held('other', -3600) };
    const seen = observe(undefined, spec, '1', T0.getTime());
    expect(nextStep(spec, seen, 'me', at(14), 15)).toEqual({ kind: 'wait', holder: 'other' });
  });

  test('a record unchanged for the whole lease duration, as we saw it, is taken over (one more transition)', () => {
    const spec = held('other', 0);
    const first = observe(undefined, spec, '1', T0.getTime());
    const still = observe(first, spec, '1', at(10).getTime());
    expect(still.seenAt).toBe(T0.getTime());
    const step = nextStep(spec, still, 'me', at(15), 15);
    expect(step).toMatchObject({ kind: 'write', takeover: true, spec: { holderIdentity: 'me', acquireTime: microTime(at(15)), leaseTransitions: 3 } });
  });

  test('a renewal by the holder restarts our count', () => {
    const first = observe(undefined, held('other', 0), '1', T0.getTime());
    const renewed = observe(first, held('other', 5), '2', at(12).getTime());
    expect(nextStep(held('other', 5), renewed, 'me', at(20), 15)).toEqual({ kind: 'wait', holder: 'other' });
    expect(nextStep(held('other', 5), renewed, 'me', at(27), 15).kind).toBe('write');
  });

  test('a released lease (no holder) is taken at once', () => {
    const released = releasedSpec(held('other', 0), at(1));
    expect(released).toMatchObject({ holderIdentity: null, leaseDurationSeconds: 1 });
    const seen = observe(undefined, released, '3', at(1).getTime());
    expect(nextStep(released, seen, 'me', at(1), 15)).toMatchObject({ kind: 'write', takeover: true, spec: { holderIdentity: 'me', leaseDurationSeconds: 15 } });
  });
});
