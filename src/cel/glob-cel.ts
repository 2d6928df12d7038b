// A policy pattern (`*` any run of characters, exact otherwise, case-sensitive) as CEL over a string: `==` or an RE2 matches() that accepts the same strings.
import type { Cel } from './cel-text.js';
import { method, or, relation, stringLiteral } from './cel-text.js';

/**
 * What `*` stands for: any run of characters, line terminators included, as the evaluator's glob (engine/glob-pattern.ts)
 * reads it; `(?s:…)` lets RE2's `.` match \n too.
 */
const STAR = '(?s:.*)';

const RE2_SPECIAL = /[\\.+*?()|[\]{}^$]/;

function re2Char(ch: string): string {
  const code = ch.codePointAt(0)!;
  if (RE2_SPECIAL.test(ch)) return `\\${ch}`;
  if (code < 0x20 || code === 0x7f) return `\\x{${code.toString(16)}}`;
  // Other characters stand for themselves in RE2 (UTF-8, one code point each, as the JavaScript pattern's code units pair up).
  return ch;
}

/** The RE2 pattern accepting exactly the strings the glob matches; `star` replaces what `*` may span (service accounts stop at `:`). */
export function globRe2(pattern: string, star: string = STAR): string {
  return `^${pattern.split('*').map((part) => [...part].map(re2Char).join('')).join(star)}$`;
}

function literal(text: string): Cel {
  const cel = stringLiteral(text);
  // Policy texts come from YAML (UTF-8): they cannot hold a lone surrogate.
  if (cel === null) throw new Error(`pattern ${JSON.stringify(text)} has no CEL spelling`);
  return cel;
}

/** `value == 'p'` for an exact pattern, `value.matches('^…$')` for one with `*`. */
export function globCel(value: Cel, pattern: string): Cel {
  return pattern.includes('*') ? method(value, 'matches', literal(globRe2(pattern)).text) : relation(value, '==', literal(pattern));
}

/** The value matches one of the patterns (false for none). */
export function anyGlobCel(value: Cel, patterns: readonly string[]): Cel {
  return or(...[...new Set(patterns)].map((p) => globCel(value, p)));
}
