// Decides, line by line and without recursion, whether a manifest text stays in the plain YAML subset the fast path reads, and splits it into documents with their first key.
import { resolvePlainScalar } from './yaml-1-1-scalars.js';

/** One document of the text: its lines without the `---` marker, and where its content starts (1-based). */
export interface PlainDocument {
  text: string;
  /** Undefined for a document of only blank and comment lines. */
  start?: { line: number; column: number };
}

/** Indentation past this is refused: it bounds block nesting (and so js-yaml's recursion) far below MAX_JSON_DEPTH. */
const MAX_INDENT = 100;
/** `- - - x` compact sequences and `{[{` flow nesting on one line, each at most this deep. */
const MAX_LINE_NESTING = 16;
/**
 * Longer lines are refused: the patterns below backtrack once per character inside a scalar, and on a line of
 * megabytes V8's regular expression stack overflows (a RangeError, where the `yaml` path reads the line fine).
 */
const MAX_LINE_LENGTH = 8192;
/** `yaml` refuses implicit keys past 1024 characters; stay well clear. */
const MAX_KEY_LENGTH = 256;

/**
 * Characters that make the text leave the subset wherever they are: tabs, carriage returns, control and
 * non-printable characters, byte-order marks, line separators and lone or paired surrogates (the parsers
 * may differ on what is printable), backslashes (escapes), and the prototype key.
 */
export const REFUSED_CHARACTER = /[\t\r\\\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]/;

// Sticky (`y`): each is tried at lastIndex, so no line is sliced.
const PLAIN_KEY = /[A-Za-z0-9_][A-Za-z0-9_./-]*/y;
const DOUBLE_QUOTED = /"[^"]*"/y;
const SINGLE_QUOTED = /'(?:[^']|'')*'/y;
/** A plain scalar inside a flow collection: no indicator, no `:` or `#`, inner single spaces only. */
const FLOW_PLAIN = /(?:[A-Za-z0-9_.~+]|-(?=[A-Za-z0-9_.]))(?:[A-Za-z0-9_./~+=@-]| (?=[A-Za-z0-9_./~+=@-]))*/y;
/** First characters a block plain scalar may not start with (YAML indicators, quotes, the space). */
const BLOCK_PLAIN_FIRST = /[^-?:,[\]{}#&*!|>'"%@`\s]|-[^-\s]/y;

/** The length of `pattern`'s match at `i` in `s`, or 0. */
function matchAt(pattern: RegExp, s: string, i: number): number {
  pattern.lastIndex = i;
  return pattern.test(s) ? pattern.lastIndex - i : 0;
}

/** Where a line's comment starts (`#` after a space), or the line's length. */
function commentStart(s: string, from: number): number {
  const at = s.indexOf(' #', from);
  return at === -1 ? s.length : at;
}

function onlyCommentAfter(s: string, i: number): boolean {
  let j = i;
  while (s[j] === ' ') j++;
  return j === s.length || (s[j] === '#' && j > i);
}

/** A mapping key a fast-path map may hold: not null (`yaml` makes a null key "", js-yaml "null"). */
function keyEnd(s: string, i: number): number {
  const quote = s[i] === '"' ? DOUBLE_QUOTED : s[i] === "'" ? SINGLE_QUOTED : undefined;
  const length = matchAt(quote ?? PLAIN_KEY, s, i);
  if (length === 0 || length > MAX_KEY_LENGTH) return -1;
  return quote || !resolvesToNull(s.slice(i, i + length)) ? i + length : -1;
}

function resolvesToNull(source: string): boolean {
  try {
    return resolvePlainScalar(source) === null;
  } catch {
    // A timestamp or the like: not a null, and js-yaml's reading will refuse it anyway.
    return false;
  }
}

/** The end of a flow scalar or collection at `i`, or -1; nesting bounded by MAX_LINE_NESTING. */
function flowNodeEnd(s: string, i: number, depth: number): number {
  const open = s[i];
  if (open !== '{' && open !== '[') {
    const length = matchAt(open === '"' ? DOUBLE_QUOTED : open === "'" ? SINGLE_QUOTED : FLOW_PLAIN, s, i);
    return length === 0 ? -1 : i + length;
  }
  if (depth >= MAX_LINE_NESTING) return -1;
  const close = open === '{' ? '}' : ']';
  let j = i + 1;
  while (s[j] === ' ') j++;
  if (s[j] === close) return j + 1;
  for (;;) {
    if (open === '{') {
      j = keyEnd(s, j);
      if (j === -1 || s[j] !== ':' || s[j + 1] !== ' ') return -1;
      j += 2;
      while (s[j] === ' ') j++;
    }
    j = flowNodeEnd(s, j, depth + 1);
    if (j === -1) return -1;
    while (s[j] === ' ') j++;
    if (s[j] === close) return j + 1;
    if (s[j] !== ',') return -1;
    j++;
    while (s[j] === ' ') j++;
    if (s[j] === close || s[j] === ',') return -1;
  }
}

/** A value after `key: ` or `- `: a one-line flow collection, a quoted scalar without escapes, or a one-line plain scalar. */
function valueFits(s: string, i: number): boolean {
  const c = s[i];
  if (c === '{' || c === '[') {
    const end = flowNodeEnd(s, i, 0);
    return end !== -1 && onlyCommentAfter(s, end);
  }
  if (c === '"' || c === "'") {
    const length = matchAt(c === '"' ? DOUBLE_QUOTED : SINGLE_QUOTED, s, i);
    return length > 0 && onlyCommentAfter(s, i + length);
  }
  if (matchAt(BLOCK_PLAIN_FIRST, s, i) === 0) return false;
  const value = s.slice(i, commentStart(s, i)).trimEnd();
  return !value.includes(': ') && !value.endsWith(':') && !value.startsWith('---');
}

/** A content line after its `indent` spaces: `- `* then `key:` [value], or after a dash a lone value. */
function contentFits(s: string, indent: number): boolean {
  let i = indent;
  let dashes = 0;
  while (s[i] === '-' && (s[i + 1] === ' ' || i + 1 === s.length)) {
    if (++dashes > MAX_LINE_NESTING) return false;
    i++;
    while (s[i] === ' ') i++;
  }
  // An entry whose node starts on a later line (`-` alone, `- -`, `- # note`) is left to the yaml path: js-yaml nests a
  // following less-indented entry into it (property test counterexample `x:\n-\n  -\n    - -\n- yes`).
  if (i === s.length || s[i] === '#') return false;
  const end = keyEnd(s, i);
  if (end !== -1 && s[end] === ':' && (end + 1 === s.length || s[end + 1] === ' ')) {
    let j = end + 1;
    while (s[j] === ' ') j++;
    return j === s.length || (s[j] === '#' && j > end + 1) || valueFits(s, j);
  }
  return dashes > 0 && valueFits(s, i);
}

/**
 * The documents of `text` when every line is blank, a comment, a bare `---` (optionally commented), or a content
 * line of the subset; undefined otherwise (the caller takes the `yaml` path).
 */
export function plainDocuments(text: string): PlainDocument[] | undefined {
  if (REFUSED_CHARACTER.test(text) || text.includes('__proto__')) return undefined;
  const lines = text.split('\n');
  const documents: PlainDocument[] = [];
  let first = 0;
  let start: PlainDocument['start'];
  const close = (end: number) => documents.push({ text: lines.slice(first, end).join('\n'), ...(start ? { start } : {}) });
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    let indent = 0;
    while (line.charCodeAt(indent) === 32) indent++;
    if (indent === line.length || line[indent] === '#') continue;
    if (indent === 0 && line.startsWith('---')) {
      if (!/^---(?: +(?:#.*)?)?$/.test(line)) return undefined;
      close(n);
      first = n + 1;
      start = undefined;
      continue;
    }
    if (indent === 0 && (line.startsWith('...') || line[0] === '%')) return undefined;
    if (indent > MAX_INDENT || line.length > MAX_LINE_LENGTH || !contentFits(line, indent)) return undefined;
    start ??= { line: n + 1, column: indent + 1 };
  }
  close(lines.length);
  return documents;
}
