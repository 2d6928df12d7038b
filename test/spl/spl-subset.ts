// Test helper: an interpreter of the SPL subset riskgate generates (base-search terms, where-clause eval), to run a search over real audit events.
import type { JsonObject } from '../../src/request/json-value.js';
import type { FieldReader } from '../../src/replay/stats-table.js';

type Token = { t: 'word' | 'string' | 'field'; v: string } | { t: 'sym'; v: string };

/** Splits search or eval text: quoted strings, 'quoted fields', words, and ( ) , = symbols. */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
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
      while (i < text.length && !/[\s(),="]/.test(text[i]!)) v += text[i++];
      out.push({ t: 'word', v });
    }
  }
  return out;
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
}

/** Evaluates base-search terms (`field=value`, `field IN (…)`, NOT, OR, parentheses, implicit AND) like the search command. */
export function searchMatches(text: string, event: JsonObject, read: FieldReader): boolean {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const isSym = (v: string) => peek()?.t === 'sym' && peek()?.v === v;
  const isWord = (v: string) => peek()?.t === 'word' && peek()?.v === v;
  const orExpr = (): boolean => {
    let value = andExpr();
    while (isWord('OR')) {
      pos++;
      const right = andExpr();
      value = value || right;
    }
    return value;
  };
  const andExpr = (): boolean => {
    let value = true;
    while (pos < tokens.length && !isSym(')') && !isWord('OR')) value = unary() && value;
    return value;
  };
  const unary = (): boolean => {
    if (isWord('NOT')) {
      pos++;
      return !unary();
    }
    if (isSym('(')) {
      pos++;
      const value = orExpr();
      pos++;
      return value;
    }
    const field = tokens[pos++]!.v;
    const values = read(event, field);
    if (isSym('=')) {
      pos++;
      const pattern = tokens[pos++]!.v;
      return values.some((v) => wildcard(pattern).test(v));
    }
    if (isWord('IN')) {
      pos += 2;
      const patterns: string[] = [];
      while (!isSym(')')) {
        const token = tokens[pos++]!;
        if (token.t !== 'sym') patterns.push(token.v);
      }
      pos++;
      return values.some((v) => patterns.some((p) => wildcard(p).test(v)));
    }
    throw new Error(`unsupported search term at ${field}`);
  };
  return orExpr();
}

type EvalValue = string[] | number | boolean | null;

/**
 * Evaluates the where-clause eval riskgate writes: AND/OR/NOT, isnotnull, isnull, mvfind, mvindex, spath(_raw, path),
 * string literals and field references (multivalue fields are arrays).
 */
export function whereMatches(text: string, event: JsonObject, read: FieldReader, spath: (path: string) => string[]): boolean {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (v: string) => peek()?.t === 'word' && peek()?.v === v;
  const expect = (v: string) => {
    const token = tokens[pos++];
    if (token?.v !== v) throw new Error(`expected ${v} at token ${pos}`);
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
    return primary();
  };
  const args = (): EvalValue[] => {
    expect('(');
    const out: EvalValue[] = [];
    while (!(peek()?.t === 'sym' && peek()?.v === ')')) {
      out.push(orExpr());
      if (peek()?.v === ',') pos++;
    }
    expect(')');
    return out;
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
    if (peek()?.t === 'sym' && peek()?.v === '(') {
      if (token.v === 'spath') {
        const [, path] = args();
        return nonEmpty(spath((path as string[])[0]!));
      }
      const a = args();
      switch (token.v) {
        case 'isnotnull':
          return a[0] !== null;
        case 'isnull':
          return a[0] === null;
        case 'mvindex': {
          const list = a[0] as string[] | null;
          const item = list?.[a[1] as number];
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
          throw new Error(`unsupported eval function ${token.v}`);
      }
    }
    return nonEmpty(read(event, token.v));
  };
  return orExpr() === true;
}

function nonEmpty(values: string[]): string[] | null {
  return values.length > 0 ? values : null;
}
