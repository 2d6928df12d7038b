// Admission-port metrics: connections refused before any review (no or untrusted client certificate, a name not accepted, failed handshakes, limits).
import { Counter, type Registry } from 'prom-client';
import type { ClientRefusal } from '../webhook/client-auth.js';

export function admissionPortMetrics(registry: Registry): (refusal: ClientRefusal) => void {
  const refused = new Counter({
    name: 'riskgate_admission_connections_refused_total',
    help: 'Connections to the admission port refused before any review, by reason (no_certificate, untrusted_certificate, name_not_allowed, handshake_failed, and the connection limits).',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  return (refusal) => refused.inc({ reason: refusal.reason });
}
