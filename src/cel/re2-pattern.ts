// A rule's JavaScript regular expression as an RE2 pattern (CEL matches()) that accepts exactly the same strings, or null.
/*
 * The evaluator runs `new RegExp(source).test(value)`: no flags, UTF-16 code units. CEL's matches() is RE2 over code
 * points. The translation accepts a subset of the syntax where both agree on every string:
 * - literals, escaped punctuation, \d \w \D \W \n \r \t \f \v \xHH \uHHHH (not a surrogate), classes of such members,
 *   groups (capturing and (?:)), alternation, ^ $, the quantifiers * + ? {n} {n,} {n,m} and their lazy forms;
 * - `.` becomes [^\n\r\x{2028}\x{2029}] (JavaScript's dot also skips \r and the two Unicode line separators);
 * - an atom that can match an astral character (., \D, \W, a negated class) must be repeated by * or +: one such atom
 *   matches one code unit in JavaScript but a whole code point in RE2, so `^..$` would differ on "😀", while a run
 *   covers the same strings in both;
 * - anything else (lookaround, back-references, \s \b, named groups, Annex B oddities, astral literals) gives null.
 */

const MAX_REPEAT = 1000;

class Untranslatable extends Error {}

function refuse(): never {
  throw new Untranslatable();
}

function isSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdfff;
}

const HEX2 = /^[0-9A-Fa-f]{2}/;
const HEX4 = /^[0-9A-Fa-f]{4}/;

/** An escape (after its backslash) as [RE2 text, characters consumed, may it match an astral character]. */
function escape(source: string, at: number, inClass: boolean): [string, number, boolean] {
  const c = source[at];
  if (c === undefined) return refuse();
  if ('dw'.includes(c)) return [`\\${c}`, 1, false];
  if ('DW'.includes(c)) return inClass ? refuse() : [`\\${c}`, 1, true];
  if ('nrtfv'.includes(c)) return [`\\${c}`, 1, false];
  if (c === 'x') {
    const hex = HEX2.exec(source.slice(at + 1))?.[0] ?? refuse();
    return [`\\x${hex}`, 3, false];
  }
  if (c === 'u') {
    const hex = HEX4.exec(source.slice(at + 1))?.[0] ?? refuse();
    if (isSurrogate(parseInt(hex, 16))) refuse();
    return [`\\x{${hex}}`, 5, false];
  }
  // Escaped ASCII punctuation is the character itself in both; letters and digits mean different things (or nothing).
  if (/^[!-/:-@[-`{-~]$/.test(c)) return [`\\${c}`, 1, false];
  return refuse();
}

/** A literal character (not special at this place) as RE2 text: ASCII as is, other BMP characters as \x{…}. */
function literal(code: number): string {
  if (isSurrogate(code)) refuse();
  if (code < 0x20 || code === 0x7f) return `\\x{${code.toString(16)}}`;
  return code < 0x80 ? String.fromCharCode(code) : `\\x{${code.toString(16)}}`;
}

interface ClassMember {
  text: string;
  /** One character: may be a range end (\d and \w may not). */
  single: boolean;
  dash: boolean;
}

function classMembers(source: string, from: number): [ClassMember[], number] {
  const members: ClassMember[] = [];
  let i = from;
  while (source[i] !== ']') {
    const c = source[i];
    if (c === undefined || c === '[') refuse();
    if (c === '\\') {
      const [text, used] = escape(source, i + 1, true);
      members.push({ text, single: !/^\\[dw]$/.test(text), dash: false });
      i += 1 + used;
    } else {
      members.push(c === '-' ? { text: '-', single: true, dash: true } : { text: literal(c.charCodeAt(0)), single: true, dash: false });
      i++;
    }
  }
  return [members, i];
}

/** A character class from its `[`: [RE2 text, characters consumed, may it match an astral character]. */
function characterClass(source: string, at: number): [string, number, boolean] {
  const negated = source[at + 1] === '^';
  const from = at + (negated ? 2 : 1);
  // JavaScript's [] and [^] (nothing, anything) are spelled differently in RE2.
  if (source[from] === ']') refuse();
  const [members, end] = classMembers(source, from);
  let out = '';
  let k = 0;
  while (k < members.length) {
    const m = members[k]!;
    const last = members[k + 2];
    if (!m.dash && members[k + 1]?.dash && last !== undefined) {
      // A range between two characters; next to \d or \w JavaScript reads a literal dash and RE2 an error.
      if (!m.single || !last.single || last.dash) refuse();
      out += `${m.text}-${last.text}`;
      k += 3;
    } else if (m.dash) {
      // A dash first or last is a literal in both; one right after a range is not spelled alike.
      if (k !== 0 && k !== members.length - 1) refuse();
      out += '\\-';
      k++;
    } else {
      out += m.text;
      k++;
    }
  }
  return [`${negated ? '[^' : '['}${out}]`, end + 1 - at, negated];
}

const REPEAT = /^\{(\d+)(,(\d*))?\}/;

/**
 * A quantifier at `at`, if any: [RE2 text, characters consumed, covers every run of one or more (* + {0,} {1,})].
 * Only such a quantifier may follow an atom that can match an astral character: `.{2,}` takes "😀" (two code units)
 * in JavaScript but not in RE2.
 */
function quantifier(source: string, at: number): [string, number, boolean] | undefined {
  const c = source[at];
  let text: string;
  let runs: boolean;
  if (c === '*' || c === '+' || c === '?') {
    text = c;
    runs = c !== '?';
  } else if (c === '{') {
    const m = REPEAT.exec(source.slice(at)) ?? refuse();
    const low = Number(m[1]);
    const high = m[3] === undefined || m[3] === '' ? undefined : Number(m[3]);
    if (low > MAX_REPEAT || (high !== undefined && (high > MAX_REPEAT || high < low))) refuse();
    text = m[0];
    runs = m[2] !== undefined && high === undefined && low <= 1;
  } else {
    return undefined;
  }
  const lazy = source[at + text.length] === '?';
  return [lazy ? `${text}?` : text, text.length + (lazy ? 1 : 0), runs];
}

/** An atom at `at`: [RE2 text, characters consumed, may it match an astral character]; groups open and close here too. */
function atom(source: string, at: number, depth: { open: number }): [string, number, boolean] {
  const c = source[at]!;
  if (c === '\\') {
    const [text, used, wide] = escape(source, at + 1, false);
    return [text, used + 1, wide];
  }
  if (c === '.') return ['[^\\n\\r\\x{2028}\\x{2029}]', 1, true];
  if (c === '[') return characterClass(source, at);
  if (c === '(') {
    if (source[at + 1] !== '?') {
      depth.open++;
      return ['(', 1, false];
    }
    if (source[at + 2] !== ':') refuse();
    depth.open++;
    return ['(?:', 3, false];
  }
  if (c === ')') {
    if (depth.open === 0) refuse();
    depth.open--;
    return [')', 1, false];
  }
  if (c === '|' || c === '^' || c === '$') return [c, 1, false];
  if ('*+?{}]'.includes(c)) refuse();
  return [literal(c.charCodeAt(0)), 1, false];
}

function translate(source: string): string {
  let out = '';
  const depth = { open: 0 };
  let i = 0;
  while (i < source.length) {
    const [text, used, wide] = atom(source, i, depth);
    out += text;
    i += used;
    const repeat = quantifier(source, i);
    if (wide && !repeat?.[2]) refuse();
    if (repeat) {
      if (text === '|' || text === '^' || text === '$' || text === '(' || text === '(?:') refuse();
      out += repeat[0];
      i += repeat[1];
    }
  }
  if (depth.open !== 0) refuse();
  return out;
}

/** The RE2 pattern that accepts exactly the strings the JavaScript pattern finds a match in, or null when unsure. */
export function re2Pattern(source: string): string | null {
  try {
    return translate(source);
  } catch (error) {
    if (error instanceof Untranslatable) return null;
    throw error;
  }
}
