// The seconds until the next exemption block of the policy in force ends, read at every scrape (+Inf when no block ends ahead).
import { Gauge, type Registry } from 'prom-client';

export function policyMetrics(registry: Registry, nextExpiry: () => Date | undefined, now: () => number = Date.now): void {
  new Gauge({
    name: 'riskgate_policy_next_exemption_expiry_seconds',
    help: 'Seconds until the next exemption block of the policy ends (+Inf when no block has an end ahead).',
    registers: [registry],
    collect() {
      // +Inf rather than no sample: an alert on `< 14 * 86400` then needs no absent() guard.
      const next = nextExpiry();
      this.set(next === undefined ? Number.POSITIVE_INFINITY : (next.getTime() - now()) / 1000);
    },
  });
}
