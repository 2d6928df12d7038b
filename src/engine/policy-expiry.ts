// Which exemption blocks end soon or have ended, and when the next one ends: for check's warnings, serve's log and its metric.
import { exemptionText, rfc3339 } from './exemption-text.js';
import type { ExemptionBlock, Policy } from './policy.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How far ahead check and serve warn of a block's end. */
export const EXPIRY_WARNING_MS = 14 * DAY_MS;

export interface ExpiryNotice {
  block: ExemptionBlock;
  expires: Date;
  /** `policy` for a policy-wide block, else the rule id. */
  scope: string;
  /** The end is at or before `now`: the block no longer applies. */
  ended: boolean;
}

function blocksWithScope(policy: Policy): Array<{ block: ExemptionBlock; scope: string }> {
  return [
    ...policy.exemptions.map((block) => ({ block, scope: 'policy' })),
    ...[...policy.rules].flatMap(([id, rule]) => rule.exemptions.map((block) => ({ block, scope: id }))),
  ];
}

/** Blocks whose end has come, or comes within `withinMs` of `now`, soonest first. */
export function expiryNotices(policy: Policy, now: Date, withinMs: number = EXPIRY_WARNING_MS): ExpiryNotice[] {
  const notices: ExpiryNotice[] = [];
  for (const { block, scope } of blocksWithScope(policy)) {
    const expires = block.expires;
    if (expires === undefined || expires.getTime() - now.getTime() > withinMs) continue;
    notices.push({ block, expires, scope, ended: expires.getTime() <= now.getTime() });
  }
  return notices.sort((a, b) => a.expires.getTime() - b.expires.getTime());
}

/** The earliest end still ahead of `now`, if any block has one. */
export function nextExpiry(policy: Policy, now: Date): Date | undefined {
  let next: Date | undefined;
  for (const { block } of blocksWithScope(policy)) {
    const expires = block.expires;
    if (expires === undefined || expires.getTime() <= now.getTime()) continue;
    if (next === undefined || expires.getTime() < next.getTime()) next = expires;
  }
  return next;
}

/** `3 days`, `5 hours`, `12 minutes` (rounded down; at least one minute). */
export function durationText(ms: number): string {
  const units: Array<[string, number]> = [['day', DAY_MS], ['hour', 3_600_000], ['minute', 60_000]];
  for (const [unit, size] of units) {
    const n = Math.floor(ms / size);
    if (n >= 1) return `${n} ${unit}${n === 1 ? '' : 's'}`;
  }
  return 'less than a minute';
}

/** One line for people: `policy.yaml:9: exemption block of rule X (reason: …) expires 2026-12-01T00:00:00Z, in 3 days`. */
export function noticeText(notice: ExpiryNotice, now: Date): string {
  const owner = notice.scope === 'policy' ? 'policy-wide exemption block' : `exemption block of rule ${notice.scope}`;
  const what = exemptionText(`${notice.block.where}: ${owner}`, { ...(notice.block.reason !== undefined ? { reason: notice.block.reason } : {}) });
  const when = rfc3339(notice.expires);
  return notice.ended
    ? `${what} ended ${when} and no longer applies: remove it or give it a new end`
    : `${what} expires ${when}, in ${durationText(notice.expires.getTime() - now.getTime())}`;
}
