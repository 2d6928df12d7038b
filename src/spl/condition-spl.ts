// Compiles a rule's condition tree into SPL over the audit log: search terms where SPL can say it, eval otherwise, and a sound widening where the log cannot.
import type { Condition, RequestRule, Scalar } from '../rules/rule.js';
import type { AuditField } from './audit-field.js';
import { auditFieldOf } from './audit-field.js';
import { evalField, evalString, exactRegex, searchTermIn } from './spl-literal.js';

/**
 * A compiled condition. Leaves always have an eval form (for `| where`), and a search form when the base search can
 * express them (raw fields, exact values). `required` lists the fields every matching event carries, which may join
 * the stats BY list without being emptied by a missing value.
 */
export type SplExpr =
  | { op: 'and' | 'or'; items: SplExpr[] }
  | { op: 'not'; item: SplExpr }
  | { op: 'leaf'; search?: string; eval: string; required: string[] };

/** `true` / `false` when the audit log cannot decide the condition and it widens to a constant (see compileCondition). */
export type Compiled = SplExpr | boolean;

function mvTest(target: string, regex: string): string {
  return `isnotnull(mvfind(${target}, ${evalString(regex)}))`;
}

function targetOf(field: Extract<AuditField, { kind: 'field' | 'indexed' }>): string {
  return field.kind === 'indexed' ? `mvindex(${evalField(field.field)}, ${field.index})` : evalField(field.field);
}

function valueLeaf(field: AuditField, values: Scalar[], positive: boolean): Compiled {
  if (field.kind === 'unknown') return positive;
  const evalExpr = mvTest(targetOf(field), exactRegex(values));
  const search = field.kind === 'field' && !field.derived ? searchTermIn(field.field, values) : undefined;
  return { op: 'leaf', eval: evalExpr, required: field.kind === 'field' ? [field.field] : [], ...(search ? { search } : {}) };
}

function presenceLeaf(field: AuditField, positive: boolean): Compiled {
  if (field.kind === 'unknown') return positive;
  if (field.kind === 'indexed') return { op: 'leaf', eval: `isnotnull(${targetOf(field)})`, required: [] };
  // Objects and arrays have no SPL field of their own: spath reads any subtree of the raw event.
  if (field.spathPath) return { op: 'leaf', eval: `isnotnull(spath(_raw, ${evalString(field.spathPath)}))`, required: [] };
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
 * Compiles `condition` for the audit events of `rule`. `positive` is the polarity: what the log cannot tell (the old
 * object, which values a patch added) becomes `true` where the condition is asserted and `false` under a `not`, so the
 * search is never narrower than the rule: it may report more than admission would, never less, except where the
 * request body itself lacks the value (a patch that does not restate spec.type; see the README).
 * - `changed` / `addedValues` on object.P: the request body carries P (the patch wrote it, or a PUT restated it).
 * - equals / in / matches / notEquals / exists on object.P: the same test on requestObject.P (or the exec/attach
 *   query parameter for CONNECT rules).
 */
export function compileCondition(rule: RequestRule, condition: Condition, positive = true): Compiled {
  if ('allOf' in condition) return combine('and', condition.allOf.map((c) => compileCondition(rule, c, positive)));
  if ('anyOf' in condition) return combine('or', condition.anyOf.map((c) => compileCondition(rule, c, positive)));
  if ('not' in condition) return negate(compileCondition(rule, condition.not, !positive));
  const field = auditFieldOf(rule, condition.field);
  if ('equals' in condition) return valueLeaf(field, [condition.equals], positive);
  if ('in' in condition) return valueLeaf(field, condition.in, positive);
  if ('notEquals' in condition) return negate(valueLeaf(field, [condition.notEquals], !positive));
  if ('matches' in condition) {
    if (field.kind === 'unknown') return positive;
    return { op: 'leaf', eval: mvTest(targetOf(field), condition.matches), required: field.kind === 'field' ? [field.field] : [] };
  }
  if ('exists' in condition) return condition.exists ? presenceLeaf(field, positive) : negate(presenceLeaf(field, !positive));
  // addedValues / changed: only a widening to "the request body carries the path" exists, and only when asserted.
  return positive ? presenceLeaf(field, positive) : false;
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
  return expr.op === 'and' ? parts.join(' ') : wrap(parts.join(' OR '), parts.length);
}

/** The eval form, for `| where`. */
export function evalOf(expr: SplExpr): string {
  if (expr.op === 'leaf') return expr.eval;
  if (expr.op === 'not') return `NOT ${expr.item.op === 'leaf' ? expr.item.eval : `(${evalOf(expr.item)})`}`;
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
