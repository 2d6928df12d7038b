// Durations as people type them (`90s`, `15m`, `24h`, `7d`, `2w`) into milliseconds, for --since and the page's time filter.
import { RiskgateError } from '../riskgate-error.js';

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseDuration(text: string, what = 'duration'): number {
  const match = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim());
  if (!match) throw new RiskgateError('bad-duration', `${what} ${JSON.stringify(text)} is not a duration: use a number and a unit s, m, h, d or w (e.g. 15m, 24h, 7d)`);
  return Number(match[1]) * UNITS[match[2]!]!;
}
