// Test helper: an interpreter of the SPL subset riskgate generates (base-search terms, eval expressions of where and eval stages, foreach over a wildcard), to run a search over real audit events.
import type { JsonObject, JsonValue } from '../../src/request/json-value.js';
import { isJsonObject } from '../../src/request/json-value.js';
import type { FieldReader } from '../../src/replay/stats-table.js';

type Token = { t: 'word' | 'string' | 'field'; v: string } | { t: 'sym'; v: string };

/** Splits search or eval text: quoted strings, 'quoted fields', words, and ( ) , = != symbols. */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '!' && text[i + 1] === '=') {
      out.push({ t: 'sym', v: '!=' });
      i += 2;
    } else if ('(),='.includes(c)) {
      out.push({ t: 'sym', v: c });
      i++;
    } else if (c === '"' || c === "'") {
      let v = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && c === '"') i++;
        v += text[i++];
      }
      i++;
      out.push({ t: c === '"' ? 'string' : 'field', v });
    } else {
      let v = '';
      while (i < text.length && !/[\s(),="]/.test(text[i]!) && !(text[i] === '!' && text[i + 1] === '=')) v += text[i++];
      out.push({ t: 'word', v });
    }
  }
  return out;
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
}

/**
 * Evaluates base-search terms (`field=value`, `field IN (…)`, a quoted phrase matched in the raw event, NOT, OR,
 * parentheses, implicit AND) like the search command, which evaluates NOT, then OR, then AND.
 */
export function searchMatches(text: string, event: JsonObject, read: FieldReader): boolean {
  const tokens = tokenize(text);
  let pos = 0;
  const raw = JSON.stringify(event).toLowerCase();
  const peek = () => tokens[pos];
  const isSym = (v: string) => peek()?.t === 'sym' && peek()?.v === v;
  const isWord = (v: string) => peek()?.t === 'word' && peek()?.v === v;
  const andExpr = (): boolean => {
    let value = true;
    while (pos < tokens.length && !isSym(')')) value = orExpr() && value;
    return value;
  };
  const orExpr = (): boolean => {
    let value = unary();
    while (isWord('OR')) {
      pos++;
      const right = unary();
      value = value || right;
    }
    return value;
  };
  const unary = (): boolean => {
    if (isWord('NOT')) {
      pos++;
      return !unary();
    }
    if (isSym('(')) {
      pos++;
      const value = andExpr();
      pos++;
      return value;
    }
    const token = tokens[pos++]!;
    if (token.t === 'string' && !isSym('=') && !isWord('IN')) return raw.includes(token.v.toLowerCase());
    const values = read(event, token.v);
    if (isSym('=')) {
      pos++;
      const pattern = tokens[pos++]!.v;
      return values.some((v) => wildcard(pattern).test(v));
    }
    if (isWord('IN')) {
      pos += 2;
      const patterns: string[] = [];
      while (!isSym(')')) {
        const next = tokens[pos++]!;
        if (next.t !== 'sym') patterns.push(next.v);
      }
      pos++;
      return values.some((v) => patterns.some((p) => wildcard(p).test(v)));
    }
    throw new Error(`unsupported search term at ${token.v}`);
  };
  return andExpr();
}

/** An eval value: a (multi)value, a number, a Boolean of a comparison or test, or null. */
export type EvalValue = string[] | number | boolean | null;

function nonEmpty(values: string[]): string[] | null {
  return values.length > 0 ? values : null;
}

/** Epoch seconds of a time text (`_time` is the event's requestReceivedTimestamp; strptime reads riskgate's `…+0000` form). */
function secondsOf(text: string | null): number | null {
  if (text === null) return null;
  const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? null : ms / 1000;
}

function textOf(value: EvalValue): string | null {
  if (value === null || typeof value === 'boolean') return null;
  return typeof value === 'number' ? String(value) : (value[0] ?? null);
}

/**
 * Evaluates the eval riskgate writes: AND/OR/NOT, `=` and `!=` (null when a side is null), `<` on numbers, isnotnull,
 * isnull, mvfind, mvindex, mvappend, coalesce, if, null(), strptime, spath(_raw, path), string and number literals,
 * `_time` (the request's time) and field references (multivalue fields are arrays).
 */
export function evalExpression(text: string, event: JsonObject, read: FieldReader, spath: (path: string) => string[]): EvalValue {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (v: string) => peek()?.t === 'word' && peek()?.v === v;
  const isSym = (v: string) => peek()?.t === 'sym' && peek()?.v === v;
  const expect = (v: string) => {
    const token = tokens[pos++];
    if (token?.v !== v) throw new Error(`expected ${v} at token ${pos} of ${text}`);
  };
  const orExpr = (): EvalValue => {
    let value = andExpr();
    while (isWord('OR')) {
      pos++;
      const right = andExpr();
      value = value === true || right === true;
    }
    return value;
  };
  const andExpr = (): EvalValue => {
    let value = notExpr();
    while (isWord('AND')) {
      pos++;
      const right = notExpr();
      value = value === true && right === true;
    }
    return value;
  };
  const notExpr = (): EvalValue => {
    if (isWord('NOT')) {
      pos++;
      return notExpr() !== true;
    }
    return comparison();
  };
  const comparison = (): EvalValue => {
    const left = primary();
    if (isWord('<')) {
      pos++;
      const right = primary();
      return typeof left === 'number' && typeof right === 'number' ? left < right : null;
    }
    if (!isSym('=') && !isSym('!=')) return left;
    const negated = tokens[pos++]!.v === '!=';
    const right = primary();
    const [a, b] = [textOf(left), textOf(right)];
    if (a === null || b === null) return null;
    return (a === b) !== negated;
  };
  const args = (): EvalValue[] => {
    expect('(');
    const out: EvalValue[] = [];
    while (!isSym(')')) {
      out.push(orExpr());
      if (isSym(',')) pos++;
    }
    expect(')');
    return out;
  };
  const call = (name: string): EvalValue => {
    if (name === 'spath') {
      const [, path] = args();
      return nonEmpty(spath((path as string[])[0]!));
    }
    const a = args();
    switch (name) {
      case 'isnotnull':
        return a[0] !== null;
      case 'isnull':
        return a[0] === null;
      case 'null':
        return null;
      case 'if':
        return a[0] === true ? a[1]! : a[2]!;
      case 'strptime':
        return secondsOf(textOf(a[0]!));
      case 'coalesce':
        return a.find((v) => v !== null) ?? null;
      case 'mvappend':
        return nonEmpty(a.flatMap((v) => (v === null || typeof v === 'boolean' ? [] : typeof v === 'number' ? [String(v)] : v)));
      case 'mvindex': {
        const item = (a[0] as string[] | null)?.[a[1] as number];
        return item === undefined ? null : [item];
      }
      case 'mvfind': {
        const list = a[0] as string[] | null;
        if (!list) return null;
        const re = new RegExp((a[1] as string[])[0]!);
        const index = list.findIndex((v) => re.test(v));
        return index < 0 ? null : index;
      }
      default:
        throw new Error(`unsupported eval function ${name}`);
    }
  };
  const primary = (): EvalValue => {
    const token = tokens[pos++]!;
    if (token.t === 'sym' && token.v === '(') {
      const value = orExpr();
      expect(')');
      return value;
    }
    if (token.t === 'string') return [token.v];
    if (token.t === 'field') return nonEmpty(read(event, token.v));
    if (/^\d+$/.test(token.v)) return Number(token.v);
    if (isSym('(')) return call(token.v);
    if (token.v === '_time') return secondsOf(textOf(nonEmpty(read(event, 'requestReceivedTimestamp'))));
    return nonEmpty(read(event, token.v));
  };
  const value = orExpr();
  if (pos !== tokens.length) throw new Error(`unparsed eval text after token ${pos}: ${text}`);
  return value;
}

/** A where clause: the rows whose expression is true. */
export function whereMatches(text: string, event: JsonObject, read: FieldReader, spath: (path: string) => string[]): boolean {
  return evalExpression(text, event, read, spath) === true;
}

/** The value an eval stage stores: numbers and strings as field values; null (and Booleans, which eval refuses) store nothing. */
export function storedValues(value: EvalValue): string[] {
  if (value === null || typeof value === 'boolean') return [];
  return typeof value === 'number' ? [String(value)] : value;
}

/** The names Splunk's JSON extraction gives the event's fields (`a.b`, `list{}.c`), each once. */
export function extractedFieldNames(event: JsonValue): string[] {
  const names = new Set<string>();
  const walk = (value: JsonValue, name: string): void => {
    if (Array.isArray(value)) value.forEach((item) => walk(item, `${name}{}`));
    else if (isJsonObject(value)) for (const [key, child] of Object.entries(value)) walk(child, name === '' ? key : `${name}.${key}`);
    else if (value !== null && name !== '') names.add(name);
  };
  walk(event, '');
  return [...names];
}

/** The fields a foreach wildcard field list names in this event (`*` matches any characters; field names are case-sensitive). */
export function foreachFields(pattern: string, event: JsonObject): string[] {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return extractedFieldNames(event).filter((name) => re.test(name));
}

/** `spath(_raw, path)` over the event: scalars as text, objects and arrays as their JSON, `{}` steps through arrays. */
export function spathValues(event: JsonObject, path: string): string[] {
  let values: JsonValue[] = [event];
  for (const part of path.split('.')) {
    const key = part.replace(/\{\}$/, '');
    values = values.flatMap((v) => (isJsonObject(v) && key in v ? [v[key]!] : []));
    if (part.endsWith('{}')) values = values.flatMap((v) => (Array.isArray(v) ? v : []));
  }
  return values.filter((v) => v !== null).map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v)));
}
