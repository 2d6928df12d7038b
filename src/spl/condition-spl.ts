// Compiles a rule's condition tree into SPL over the audit log: search terms where SPL can say it, eval otherwise, and a sound widening where the log cannot.
import type { Condition, RequestRule, Scalar } from '../rules/rule.js';
import type { AuditField } from './audit-field.js';
import { auditFieldOf, readsStoredResult } from './audit-field.js';
import type { KeptPath } from './kept-path.js';
import { keptPathOf } from './kept-path.js';
import { evalField, evalString, exactRegex, searchField, searchTermIn } from './spl-literal.js';

/**
 * A compiled condition. Leaves always have an eval form (for `| where`), and a search form when the base search can
 * express them (raw fields, exact values). `required` lists the fields every matching event carries, which may join
 * the stats BY list without being emptied by a missing value. `kept` marks a leaf that reads a kept flag (the search
 * computes it before the where clause: see kept-path.ts).
 */
export type SplExpr =
  | { op: 'and' | 'or'; items: SplExpr[] }
  | { op: 'not'; item: SplExpr }
  | { op: 'leaf'; search?: string; eval: string; required: string[]; kept?: KeptPath };

/** `true` / `false` when the audit log cannot decide the condition and it widens to a constant (see compileCondition). */
export type Compiled = SplExpr | boolean;

type Readable = Extract<AuditField, { kind: 'field' | 'indexed' }>;

function mvTest(target: string, regex: string): string {
  return `isnotnull(mvfind(${target}, ${evalString(regex)}))`;
}

/** The field's values; for an update rule the stored result's, or the request body's when the event has no result. */
function targetOf(field: Readable): string {
  const values = field.stored ? `coalesce(${evalField(field.stored.field)}, ${evalField(field.field)})` : evalField(field.field);
  return field.kind === 'indexed' ? `mvindex(${values}, ${field.index})` : values;
}

/** The search-command form of a value test: `coalesce` written as "the stored field matches, or it is absent and the body's does". */
function searchForm(field: Readable, values: readonly Scalar[]): string | undefined {
  if (field.kind !== 'field' || field.derived) return undefined;
  if (!field.stored) return searchTermIn(field.field, values);
  return `(${searchTermIn(field.stored.field, values)} OR (NOT ${searchField(field.stored.field)}=* ${searchTermIn(field.field, values)}))`;
}

function requiredOfField(field: Readable): string[] {
  return field.kind === 'field' && !field.stored ? [field.field] : [];
}

function keptIs(kept: KeptPath, value: 0 | 1): SplExpr {
  return { op: 'leaf', eval: `${kept.flag}=${value}`, required: [], kept };
}

/**
 * A test of the old object: the test on the stored result where the patch kept the path; elsewhere unknown, so true
 * where the condition is asserted and false under a `not` (the search never narrower than the rule).
 */
function oldLeaf(field: Extract<AuditField, { kind: 'old' }>, test: (current: Readable) => Compiled, positive: boolean): Compiled {
  const known = test(field.current);
  return positive ? combine('or', [keptIs(field.kept, 0), known]) : combine('and', [keptIs(field.kept, 1), known]);
}

/** A value test (`values`: equals/in, with a search form) or a regex test (`matches`, eval only). */
function testLeaf(field: AuditField, regex: string, values: readonly Scalar[] | undefined, positive: boolean): Compiled {
  if (field.kind === 'unknown') return positive;
  if (field.kind === 'old') return oldLeaf(field, (current) => testLeaf(current, regex, values, true), positive);
  const search = values ? searchForm(field, values) : undefined;
  return { op: 'leaf', eval: mvTest(targetOf(field), regex), required: requiredOfField(field), ...(search ? { search } : {}) };
}

function valueLeaf(field: AuditField, values: Scalar[], positive: boolean): Compiled {
  return testLeaf(field, exactRegex(values), values, positive);
}

function presenceLeaf(field: AuditField, positive: boolean): Compiled {
  if (field.kind === 'unknown') return positive;
  if (field.kind === 'old') return oldLeaf(field, (current) => presenceLeaf(current, true), positive);
  if (field.kind === 'indexed') return { op: 'leaf', eval: `isnotnull(${targetOf(field)})`, required: [] };
  // Objects and arrays have no SPL field of their own: spath reads any subtree of the raw event.
  if (field.spathPath) {
    const spathOf = (path: string) => `spath(_raw, ${evalString(path)})`;
    const read = field.stored?.spathPath ? `coalesce(${spathOf(field.stored.spathPath)}, ${spathOf(field.spathPath)})` : spathOf(field.spathPath);
    return { op: 'leaf', eval: `isnotnull(${read})`, required: [] };
  }
  return { op: 'leaf', eval: `isnotnull(${evalField(field.field)})`, required: [field.field] };
}

function negate(compiled: Compiled): Compiled {
  return typeof compiled === 'boolean' ? !compiled : { op: 'not', item: compiled };
}

function combine(op: 'and' | 'or', parts: Compiled[]): Compiled {
  const absorbing = op === 'or';
  if (parts.some((p) => p === absorbing)) return absorbing;
  const items = parts.filter((p): p is SplExpr => typeof p !== 'boolean');
  if (items.length === 0) return !absorbing;
  if (items.length === 1) return items[0]!;
  return { op, items: items.flatMap((i) => (i.op === op ? i.items : [i])) };
}

/**
 * `changed` / `addedValues` on object.P. Of an update the search knows that an allowed patch which kept P left it as
 * it was; otherwise (the patch wrote P, a PUT, a create, a denied patch) it counts the request as a change when the
 * new object has P, as replay does with an old object it lacks. Only where asserted: under a `not` it is false.
 */
function changeLeaf(rule: RequestRule, path: string, positive: boolean): Compiled {
  if (!positive) return false;
  const present = presenceLeaf(auditFieldOf(rule, path), true);
  const kept = readsStoredResult(rule) ? keptPathOf(path) : undefined;
  return kept ? combine('and', [keptIs(kept, 0), present]) : present;
}

/**
 * Compiles `condition` for the audit events of `rule`. `positive` is the polarity: what the log cannot tell becomes
 * `true` where the condition is asserted and `false` under a `not`, so the search is never narrower than the rule as
 * replay judges a single event: it may report more than admission would, never less, except where the event lacks
 * the values (README, "What the search cannot see").
 * - equals / in / matches / notEquals / exists on object.P: the same test on requestObject.P (or the exec/attach
 *   query parameter for CONNECT rules); for rules that judge updates, on the stored result when the event has it
 *   (`coalesce(responseObject.P, requestObject.P)`).
 * - the same on oldObject.P: for update rules, on responseObject.P where an allowed patch kept P (kept-path.ts);
 *   unknown elsewhere.
 * - `changed` / `addedValues` on object.P: see changeLeaf.
 */
export function compileCondition(rule: RequestRule, condition: Condition, positive = true): Compiled {
  if ('allOf' in condition) return combine('and', condition.allOf.map((c) => compileCondition(rule, c, positive)));
  if ('anyOf' in condition) return combine('or', condition.anyOf.map((c) => compileCondition(rule, c, positive)));
  if ('not' in condition) return negate(compileCondition(rule, condition.not, !positive));
  const field = auditFieldOf(rule, condition.field);
  if ('equals' in condition) return valueLeaf(field, [condition.equals], positive);
  if ('in' in condition) return valueLeaf(field, condition.in, positive);
  if ('notEquals' in condition) return negate(valueLeaf(field, [condition.notEquals], !positive));
  if ('matches' in condition) return testLeaf(field, condition.matches, undefined, positive);
  if ('exists' in condition) return condition.exists ? presenceLeaf(field, positive) : negate(presenceLeaf(field, !positive));
  return changeLeaf(rule, condition.field, positive);
}

function wrap(text: string, items: number): string {
  return items > 1 ? `(${text})` : text;
}

/** The search-command form, or undefined when some part needs eval. */
export function searchOf(expr: SplExpr): string | undefined {
  if (expr.op === 'leaf') return expr.search;
  if (expr.op === 'not') {
    const inner = searchOf(expr.item);
    return inner === undefined ? undefined : `NOT ${expr.item.op === 'leaf' && !inner.includes(' ') ? inner : `(${inner})`}`;
  }
  const parts = expr.items.map(searchOf);
  if (parts.some((p) => p === undefined)) return undefined;
  if (expr.op === 'and') return parts.join(' ');
  // The search command evaluates OR before AND: a conjunction inside an OR needs its parentheses.
  return wrap(parts.map((p, i) => (expr.items[i]!.op === 'and' ? `(${p})` : p)).join(' OR '), parts.length);
}

/** The eval form, for `| where`. */
export function evalOf(expr: SplExpr): string {
  if (expr.op === 'leaf') return expr.eval;
  // evalOf of an and/or is parenthesized already.
  if (expr.op === 'not') return `NOT ${expr.item.op === 'not' ? `(${evalOf(expr.item)})` : evalOf(expr.item)}`;
  const joiner = expr.op === 'and' ? ' AND ' : ' OR ';
  return `(${expr.items.map(evalOf).join(joiner)})`;
}

/** Fields present in every event the expression accepts: required by every conjunct's leaf, or by all branches of an OR. */
export function requiredOf(expr: SplExpr): string[] {
  if (expr.op === 'leaf') return expr.required;
  if (expr.op === 'not') return [];
  const lists = expr.items.map(requiredOf);
  if (expr.op === 'and') return [...new Set(lists.flat())];
  const [first = [], ...others] = lists;
  return first.filter((f) => others.every((l) => l.includes(f)));
}

/** Splits a top-level AND into the conjuncts the base search can hold and those that need `| where`. */
export function splitConjuncts(expr: SplExpr): { search: string[]; where: SplExpr[] } {
  const conjuncts = expr.op === 'and' ? expr.items : [expr];
  const search: string[] = [];
  const where: SplExpr[] = [];
  for (const c of conjuncts) {
    const text = searchOf(c);
    if (text === undefined) where.push(c);
    else search.push(text);
  }
  return { search, where };
}

/** The kept paths the expression reads, each once, in order of appearance. */
export function keptPathsOf(expr: SplExpr): KeptPath[] {
  const found = new Map<string, KeptPath>();
  const visit = (e: SplExpr): void => {
    if (e.op === 'leaf') {
      if (e.kept) found.set(e.kept.flag, e.kept);
    } else if (e.op === 'not') visit(e.item);
    else e.items.forEach(visit);
  };
  visit(expr);
  return [...found.values()];
}
