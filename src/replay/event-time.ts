// When the API server received an audited request: the instant replay judges it at, so an exemption block applies as it did live.
import type { AuditEvent } from '../kubernetes/audit-event.js';

/** requestReceivedTimestamp, else stageTimestamp; the epoch when neither reads as a time. */
export function eventTime(event: AuditEvent): Date {
  const stamp = event.requestReceivedTimestamp ?? event.stageTimestamp;
  const time = stamp ? new Date(stamp) : new Date(0);
  return Number.isNaN(time.getTime()) ? new Date(0) : time;
}
