// SPL for the policy's time bounds and patterns: an exemption block's end as `strptime(...)`, and `*` patterns as regular expressions.
import { evalString } from './spl-literal.js';

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

/** The end of a block as eval: `strptime("2026-12-01T00:00:00+0000", "%Y-%m-%dT%H:%M:%S%z")` (UTC, milliseconds when it has them). */
export function strptimeOf(time: Date): string {
  const iso = time.toISOString();
  const withMs = time.getUTCMilliseconds() !== 0;
  const text = `${withMs ? iso.slice(0, 23) : iso.slice(0, 19)}+0000`;
  return `strptime(${evalString(text)}, ${evalString(withMs ? '%Y-%m-%dT%H:%M:%S.%3N%z' : '%Y-%m-%dT%H:%M:%S%z')})`;
}

/** One policy pattern as a regular expression body: `*` is any run of characters (`star` overrides what it may cross). */
export function globBody(pattern: string, star = '.*'): string {
  return pattern.split('*').map((part) => part.replace(REGEX_SPECIAL, '\\$&')).join(star);
}

/** A regular expression matching a whole value against any of the patterns, case-sensitively as riskgate does. */
export function globRegex(patterns: readonly string[]): string {
  const bodies = patterns.map((p) => globBody(p));
  return bodies.length === 1 ? `^${bodies[0]}$` : `^(?:${bodies.join('|')})$`;
}
