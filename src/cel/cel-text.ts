// CEL expression texts with their precedence, and the combinators that join them without stray or missing parentheses.
import type { Scalar } from '../rules/rule.js';

/** How loosely an expression binds, tightest first: a primary (call, selection, literal), a relation, &&, ||, ?:. */
export type Level = 'primary' | 'relation' | 'and' | 'or' | 'conditional';

const RANK: Record<Level, number> = { primary: 0, relation: 1, and: 2, or: 3, conditional: 4 };

export interface Cel {
  text: string;
  level: Level;
  /** The parts of a conjunction (level 'and'), flattened. */
  conjuncts?: readonly Cel[];
}

/**
 * Conjuncts known to be true where an expression will stand (the texts of the && parts around it). CEL's && is
 * commutative, errors included (`false && error` is false): a part inside `a && …` may leave out a guard `a` already
 * gives, since when `a` is false the whole is false whatever that part does.
 */
export type Facts = ReadonlySet<string>;

export const NO_FACTS: Facts = new Set();

function conjunctsOf(cel: Cel): readonly Cel[] {
  return cel.conjuncts ?? [cel];
}

/** The facts with the conjuncts of `cel` added: what holds inside `cel && …`. */
export function including(facts: Facts, cel: Cel): Facts {
  return new Set([...facts, ...conjunctsOf(cel).map((c) => c.text)]);
}

/** The guards not already known. */
export function unknownTo(facts: Facts, guards: Cel[]): Cel[] {
  return guards.filter((g) => !facts.has(g.text));
}

export const TRUE: Cel = { text: 'true', level: 'primary' };
export const FALSE: Cel = { text: 'false', level: 'primary' };
export const EMPTY_LIST: Cel = { text: '[]', level: 'primary' };

export function primary(text: string): Cel {
  return { text, level: 'primary' };
}

/** The text of `cel` where an expression binding at most as loosely as `loosest` may stand, parenthesized if needed. */
export function operand(cel: Cel, loosest: Level): string {
  return RANK[cel.level] <= RANK[loosest] ? cel.text : `(${cel.text})`;
}

export function relation(left: Cel, op: '==' | '!=' | '>' | 'in', right: Cel): Cel {
  return { text: `${operand(left, 'primary')} ${op} ${operand(right, 'primary')}`, level: 'relation' };
}

/** The conjunction, flattened, each part once. */
export function and(...parts: Cel[]): Cel {
  const flat: Cel[] = [];
  for (const part of parts) for (const c of conjunctsOf(part)) if (!flat.some((f) => f.text === c.text)) flat.push(c);
  if (flat.some((p) => p.text === FALSE.text)) return FALSE;
  const kept = flat.filter((p) => p.text !== TRUE.text);
  if (kept.length === 0) return TRUE;
  if (kept.length === 1) return kept[0]!;
  return { text: kept.map((p) => operand(p, 'and')).join(' && '), level: 'and', conjuncts: kept };
}

/** The disjunction; conjuncts every part has are taken out in front: `a && b || a && c` is `a && (b || c)`. */
export function or(...parts: Cel[]): Cel {
  if (parts.some((p) => p.text === TRUE.text)) return TRUE;
  const kept = parts.filter((p) => p.text !== FALSE.text);
  if (kept.length === 0) return FALSE;
  if (kept.length === 1) return kept[0]!;
  const lists = kept.map(conjunctsOf);
  const common = lists[0]!.filter((c) => lists.every((l) => l.some((x) => x.text === c.text)));
  if (common.length > 0) {
    const rest = lists.map((l) => and(...l.filter((c) => !common.some((k) => k.text === c.text))));
    return and(...common, or(...rest));
  }
  return { text: kept.map((p) => operand(p, 'or')).join(' || '), level: 'or' };
}

export function not(cel: Cel): Cel {
  if (cel.text === TRUE.text) return FALSE;
  if (cel.text === FALSE.text) return TRUE;
  return { text: `!${operand(cel, 'primary')}`, level: 'relation' };
}

export function conditional(test: Cel, then: Cel, otherwise: Cel): Cel {
  if (test.text === TRUE.text) return then;
  if (test.text === FALSE.text) return otherwise;
  return { text: `${operand(test, 'or')} ? ${operand(then, 'or')} : ${operand(otherwise, 'conditional')}`, level: 'conditional' };
}

export function call(name: string, ...args: Cel[]): Cel {
  return primary(`${name}(${args.map((a) => a.text).join(', ')})`);
}

/** A macro or method on a target: `target.exists(x, body)`, `target.map(x, filter, value)`, `target.matches(re)`. */
export function method(target: Cel, name: string, ...args: string[]): Cel {
  return primary(`${operand(target, 'primary')}.${name}(${args.join(', ')})`);
}

export function list(items: Cel[]): Cel {
  return primary(`[${items.map((i) => i.text).join(', ')}]`);
}

const CEL_RESERVED = new Set([
  'as', 'break', 'const', 'continue', 'else', 'false', 'for', 'function', 'if', 'import', 'in', 'let', 'loop',
  'package', 'namespace', 'null', 'return', 'true', 'var', 'void', 'while',
]);

/** Whether `key` may follow a dot (`e.key`, `has(e.key)`); other keys are written `e['key']` and `'key' in e`. */
export function isIdentifier(key: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && !CEL_RESERVED.has(key);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A CEL string literal, or null for a text with a lone UTF-16 surrogate (no UTF-8 spelling exists). */
export function stringLiteral(text: string): Cel | null {
  if (LONE_SURROGATE.test(text)) return null;
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ESCAPES[ch] !== undefined) out += ESCAPES[ch];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return primary(`'${out}'`);
}

/** A CEL int (safe integers) or double literal, or null for NaN and infinities (no JSON value equals them). */
function numberLiteral(value: number): Cel | null {
  if (!Number.isFinite(value)) return null;
  if (Number.isSafeInteger(value)) return value < 0 ? { text: String(value), level: 'relation' } : primary(String(value));
  const text = String(value);
  const double = /[.e]/.test(text) ? text : `${text}.0`;
  return value < 0 ? { text: double, level: 'relation' } : primary(double);
}

export function scalarLiteral(value: Scalar): Cel | null {
  if (typeof value === 'string') return stringLiteral(value);
  if (typeof value === 'number') return numberLiteral(value);
  return value ? TRUE : FALSE;
}
