// What tells one decision from another among risk events that share an event_id (one request's finding for one risk object).
import type { RiskEvent } from './risk-event.js';

/**
 * The identity of one decision: event_id, action and time. A copy sent again (spool retry, a restart, an overlapping
 * replica answer) repeats all three and counts once; a later decision on the same request (a policy change, the same
 * capture sent again, a replay under another policy) has its own time or action and is kept next to the earlier one.
 */
export function decisionKey(event: Pick<RiskEvent, 'event_id' | 'action' | 'time'>): string {
  return `${event.event_id}\u0000${event.action}\u0000${event.time}`;
}
