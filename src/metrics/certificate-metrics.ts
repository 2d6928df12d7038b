// The serving certificate's days to expiry, read at every scrape from a function (the certificate rotates without a restart).
import { Gauge, type Registry } from 'prom-client';

const DAY_MS = 24 * 60 * 60 * 1000;

export function certificateMetrics(registry: Registry, expiry: () => Date, now: () => number = Date.now): void {
  new Gauge({
    name: 'riskgate_certificate_expiry_days',
    help: 'Days until the webhook serving certificate expires (negative once expired).',
    registers: [registry],
    collect() {
      this.set((expiry().getTime() - now()) / DAY_MS);
    },
  });
}
