// Compiles a rule's condition tree into one CEL expression over object, oldObject and request (see approximation.ts).
import { withRoot } from '../engine/field-path.js';
import type { Condition, Scalar } from '../rules/rule.js';
import type { Approximation } from './approximation.js';
import { NEVER, allOf, anyOf, atMost, exactly, negation } from './approximation.js';
import type { Cel, Facts } from './cel-text.js';
import { EMPTY_LIST, NO_FACTS, TRUE, and, including, method, not, or, relation, scalarLiteral, stringLiteral } from './cel-text.js';
import type { PathStart } from './field-path-cel.js';
import { MacroVariables, isString, notNull, pathStart, someValue, valueList } from './field-path-cel.js';
import { re2Pattern } from './re2-pattern.js';

type Leaf = Exclude<Condition, { allOf: Condition[] } | { anyOf: Condition[] } | { not: Condition }>;

/** Some value at the path passes `test`; `none` paths have no value, `unknown` ones may have any. */
function some(start: PathStart, test: (value: Cel, facts: Facts) => Cel, vars: MacroVariables, facts: Facts): Approximation {
  if (start === 'none') return NEVER;
  if (start === 'unknown') return atMost(TRUE);
  return exactly(someValue(start.value, start.steps, test, vars, facts));
}

/** Some value equals one of the scalars (JavaScript ===; CEL == is false across types and numeric across int/double). */
function someEquals(start: PathStart, scalars: Scalar[], vars: MacroVariables, facts: Facts): Approximation {
  const literals: Cel[] = [];
  for (const scalar of scalars) {
    const literal = scalarLiteral(scalar);
    if (literal !== null) literals.push(literal);
    // A text with a lone surrogate has no CEL spelling, yet a JSON value may hold it: any value may then match.
    else if (typeof scalar === 'string') return { ...some(start, notNull, vars, facts), exact: false };
    // NaN and infinities equal no JSON value: they add nothing.
  }
  return some(start, (v) => or(...literals.map((l) => relation(v, '==', l))), vars, facts);
}

function matches(start: PathStart, pattern: string, vars: MacroVariables, facts: Facts): Approximation {
  const re2 = re2Pattern(pattern);
  const literal = re2 === null ? null : stringLiteral(re2);
  if (literal === null) return { ...some(start, isString, vars, facts), exact: false };
  return some(start, (v) => and(isString(v), method(v, 'matches', literal.text)), vars, facts);
}

/** Values at the path in object that no value at the same path in oldObject equals (the evaluator compares JSON). */
function addedValues(field: string, vars: MacroVariables, facts: Facts): Approximation {
  const before = pathStart(withRoot(field, 'oldObject'), vars.roots);
  const isNew = (v: Cel, known: Facts) => (before === 'unknown' ? TRUE : not(some(before, (w) => relation(w, '==', v), vars, known).cel));
  const result = some(pathStart(field, vars.roots), (v, known) => and(notNull(v), isNew(v, including(known, notNull(v)))), vars, facts);
  return before === 'unknown' ? { ...result, exact: false } : result;
}

/** The list of values at the path differs between object and oldObject (in order, as the evaluator compares them). */
function changed(field: string, vars: MacroVariables, facts: Facts): Approximation {
  const lists = [pathStart(field, vars.roots), pathStart(withRoot(field, 'oldObject'), vars.roots)].map((start) =>
    start === 'none' ? { cel: EMPTY_LIST, exact: true } : start === 'unknown' ? undefined : valueList(start.value, start.steps, vars, facts),
  );
  const [now, before] = lists;
  if (now === undefined || before === undefined) return atMost(TRUE);
  if (now.cel.text === EMPTY_LIST.text && before.cel.text === EMPTY_LIST.text) return NEVER;
  return { cel: relation(now.cel, '!=', before.cel), exact: now.exact && before.exact };
}

function leaf(condition: Leaf, vars: MacroVariables, facts: Facts): Approximation {
  const start = pathStart(condition.field, vars.roots);
  if ('equals' in condition) return someEquals(start, [condition.equals], vars, facts);
  // An absent field is "not equal" for the evaluator (unlike SPL's field!=value).
  if ('notEquals' in condition) return negation(someEquals(start, [condition.notEquals], vars, facts));
  if ('in' in condition) return someEquals(start, condition.in, vars, facts);
  if ('matches' in condition) return matches(start, condition.matches, vars, facts);
  if ('exists' in condition) {
    const present = some(start, notNull, vars, facts);
    return condition.exists ? present : negation(present);
  }
  if ('addedValues' in condition) return addedValues(condition.field, vars, facts);
  return changed(condition.field, vars, facts);
}

/** Each part may assume the parts before it (their && stands around it). */
function allParts(conditions: Condition[], vars: MacroVariables, facts: Facts): Approximation[] {
  const parts: Approximation[] = [];
  let known = facts;
  for (const condition of conditions) {
    const part = conditionCel(condition, vars, known);
    parts.push(part);
    known = including(known, part.cel);
  }
  return parts;
}

/**
 * The condition as CEL over the matchConditions variables; `facts` are conjuncts true wherever the result will stand
 * (e.g. the rule's match), which the result then leaves out.
 */
export function conditionCel(condition: Condition, vars: MacroVariables = new MacroVariables(), facts: Facts = NO_FACTS): Approximation {
  if ('allOf' in condition) return allOf(allParts(condition.allOf, vars, facts));
  if ('anyOf' in condition) return anyOf(condition.anyOf.map((c) => conditionCel(c, vars, facts)));
  if ('not' in condition) return negation(conditionCel(condition.not, vars, facts));
  return leaf(condition, vars, facts);
}
