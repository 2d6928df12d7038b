// Names an exemption block for people: what matched, plus the block's reason and end when it has them.
import type { ExemptionBlock } from './policy.js';

/** Reasons are quoted whole in logs and reports, but an annotation or a warning line stays readable. */
const MAX_REASON_LENGTH = 200;

/** RFC 3339 in UTC, without milliseconds when there are none: `2026-12-01T00:00:00Z`. */
export function rfc3339(time: Date): string {
  return time.toISOString().replace('.000Z', 'Z');
}

function clipped(text: string): string {
  return text.length <= MAX_REASON_LENGTH ? text : `${text.slice(0, MAX_REASON_LENGTH - 1)}…`;
}

/** `what (reason: …; expires …)`, or `what` alone for a block with neither. */
export function exemptionText(what: string, block: Pick<ExemptionBlock, 'reason' | 'expires'>): string {
  const notes = [
    ...(block.reason !== undefined ? [`reason: ${clipped(block.reason)}`] : []),
    ...(block.expires !== undefined ? [`expires ${rfc3339(block.expires)}`] : []),
  ];
  return notes.length === 0 ? what : `${what} (${notes.join('; ')})`;
}
