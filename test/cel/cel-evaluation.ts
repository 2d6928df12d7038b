// Test helper: evaluates riskgate's generated CEL with a CEL implementation (@bufbuild/cel) on the variables an API server gives matchConditions.
import { celEnv, isCelError, parse, plan, unparse } from '@bufbuild/cel';
import type { CelInput } from '@bufbuild/cel';

type Expr = ReturnType<typeof parse>['expr'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A JSON value as the API server hands it to CEL (unstructured content): integers are CEL ints (bigint here), other
 * numbers doubles, objects maps.
 */
export function celValue(value: Json): CelInput {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(celValue);
  return new Map(Object.entries(value).map(([k, v]) => [k, celValue(v)]));
}

const env = celEnv();
const planned = new Map<string, ReturnType<typeof plan>>();

/** The matchConditions variables of an AdmissionReview body: object and oldObject (null when absent) and request. */
export function celVariables(body: unknown): Record<string, CelInput> {
  const request = (body as { request: Record<string, Json> }).request;
  return { object: celValue(request['object'] ?? null), oldObject: celValue(request['oldObject'] ?? null), request: celValue(request) };
}

/** The expression's value, or `error: <message>` when it fails (which, under failurePolicy Fail, refuses the request). */
export function evaluateCel(expression: string, variables: Record<string, CelInput>): boolean | string {
  let program = planned.get(expression);
  if (!program) {
    program = plan(env, parse(expression));
    planned.set(expression, program);
  }
  const result = program(variables);
  if (isCelError(result)) return `error: ${result.message}`;
  return typeof result === 'boolean' ? result : `error: not a bool: ${String(result)}`;
}

function conjuncts(expr: Expr): Expr[] {
  const kind = expr.exprKind;
  return kind.case === 'callExpr' && kind.value.function === '_&&_' ? kind.value.args.flatMap(conjuncts) : [expr];
}

/** The text of a conjunct; one holding a macro (exists, map) has none without the source info, and is never a guard. */
function textOf(expr: Expr): string {
  try {
    return unparse(expr);
  } catch {
    return '';
  }
}

function withConjuncts(known: ReadonlySet<string>, parts: Expr[]): Set<string> {
  return new Set([...known, ...parts.map(textOf)]);
}

function walk(expr: Expr | undefined, known: ReadonlySet<string>, out: string[]): void {
  const kind = expr?.exprKind;
  if (!kind) return;
  if (kind.case === 'callExpr') {
    const { function: fn, args, target } = kind.value;
    if (fn === '_&&_') {
      const parts = conjuncts(expr!);
      parts.forEach((part, i) => walk(part, withConjuncts(known, parts.filter((_, j) => j !== i)), out));
    } else if (fn === '_?_:_') {
      walk(args[0], known, out);
      walk(args[1], withConjuncts(known, conjuncts(args[0]!)), out);
      walk(args[2], known, out);
    } else {
      walk(target, known, out);
      for (const arg of args) walk(arg, known, out);
    }
  } else if (kind.case === 'selectExpr') {
    const operand = unparse(kind.value.operand!);
    // request is the AdmissionRequest the API server declares: always a map.
    if (kind.value.testOnly && !operand.startsWith('request') && !known.has(`type(${operand}) == map`)) out.push(`has(${operand}.${kind.value.field})`);
    walk(kind.value.operand, known, out);
  } else if (kind.case === 'comprehensionExpr') {
    const c = kind.value;
    for (const part of [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result]) walk(part, known, out);
  } else if (kind.case === 'listExpr') {
    for (const element of kind.value.elements) walk(element, known, out);
  }
}

/**
 * The has() tests that no `type(E) == map` stands in a conjunction with. CEL defines has(E.f) only on maps and
 * messages: cel-go (the API server) fails on anything else, while @bufbuild/cel answers false, so its evaluation
 * cannot show such a missing guard; this reads the expression's structure instead.
 */
export function unguardedHas(expression: string): string[] {
  const out: string[] = [];
  walk(parse(expression).expr, new Set(), out);
  return out;
}
