// A rule field path as CEL over the matchConditions variables (object, oldObject, request), every access guarded.
import { parsePath } from '../engine/field-path.js';
import { RiskgateError } from '../riskgate-error.js';
import type { Cel, Facts } from './cel-text.js';
import { EMPTY_LIST, FALSE, and, call, conditional, including, isIdentifier, list, method, operand, primary, relation, stringLiteral, unknownTo } from './cel-text.js';

type Step = ReturnType<typeof parsePath>['steps'][number];

/** Where a path starts in CEL, and the steps left to walk; `none` when it resolves to nothing, `unknown` when CEL cannot follow it. */
export type PathStart = { value: Cel; steps: Step[] } | 'none' | 'unknown';

/** How an expression spells the roots object and oldObject. */
export interface Roots {
  object: Cel;
  oldObject: Cel;
}

export const PLAIN_ROOTS: Roots = { object: primary('object'), oldObject: primary('oldObject') };

/**
 * The roots read as dyn: every value reached from them is dynamic, so a type checker that knows the resource's schema
 * (a ValidatingAdmissionPolicy's typeChecking) finds nothing to object to in `type(x) == map` or `x.port != null`.
 */
export const DYNAMIC_ROOTS: Roots = { object: primary('dyn(object)'), oldObject: primary('dyn(oldObject)') };

/**
 * The context of one expression: names for macro variables (x0, x1, …), fresh so nested macros never shadow each
 * other, and how the roots are spelled.
 */
export class MacroVariables {
  private count = 0;
  constructor(readonly roots: Roots = PLAIN_ROOTS) {}
  next(): Cel {
    return primary(`x${this.count++}`);
  }
}

/** The value an empty string field takes when the API server leaves it out of the AdmissionRequest (omitempty). */
function orEmpty(field: string, empty: string): Cel {
  return call('dyn', conditional(primary(`has(${field})`), primary(field), primary(empty)));
}

/**
 * The evaluator's `request` root (src/engine/field-path.ts) in terms of the AdmissionRequest the API server gives
 * matchConditions. dyn() keeps the type checker from refusing a comparison with a literal of another type.
 */
const REQUEST_FIELDS: Readonly<Record<string, Cel>> = {
  operation: call('dyn', primary('request.operation')),
  group: call('dyn', primary('request.resource.group')),
  resource: call('dyn', primary('request.resource.resource')),
  subResource: orEmpty('request.subResource', "''"),
  kind: call('dyn', primary('request.kind.kind')),
  namespace: orEmpty('request.namespace', "''"),
  name: orEmpty('request.name', "''"),
  username: orEmpty('request.userInfo.username', "''"),
  groups: orEmpty('request.userInfo.groups', '[]'),
};

export function pathStart(path: string, roots: Roots = PLAIN_ROOTS): PathStart {
  const { root, steps } = parsePath(path);
  if (steps.some((s) => 'key' in s && stringLiteral(s.key) === null)) return 'unknown';
  if (root === 'object' || root === 'oldObject') return { value: roots[root], steps };
  if (root !== 'request') throw new RiskgateError('RULE_PATH_ROOT', `field path "${path}" must start with object, oldObject or request`);
  // The evaluator's request root is an object of its own: the root alone has no AdmissionRequest equivalent.
  const [first, ...rest] = steps;
  if (first === undefined) return 'unknown';
  if (!('key' in first) || !Object.hasOwn(REQUEST_FIELDS, first.key)) return 'none';
  return { value: REQUEST_FIELDS[first.key]!, steps: rest };
}

export function isMap(value: Cel): Cel {
  return relation(call('type', value), '==', primary('map'));
}

export function isList(value: Cel): Cel {
  return relation(call('type', value), '==', primary('list'));
}

export function isString(value: Cel): Cel {
  return relation(call('type', value), '==', primary('string'));
}

export function notNull(value: Cel): Cel {
  return relation(value, '!=', primary('null'));
}

function hasKey(map: Cel, key: string): Cel {
  return isIdentifier(key) ? primary(`has(${operand(map, 'primary')}.${key})`) : relation(stringLiteral(key)!, 'in', map);
}

function member(map: Cel, key: string): Cel {
  return primary(isIdentifier(key) ? `${operand(map, 'primary')}.${key}` : `${operand(map, 'primary')}[${stringLiteral(key)!.text}]`);
}

/** Walks steps without `[*]`: the guards that make each access safe, and the value reached. */
function reach(start: Cel, steps: Step[]): { guards: Cel[]; value: Cel } {
  const guards: Cel[] = [];
  let value = start;
  for (const step of steps) {
    if ('key' in step) {
      guards.push(isMap(value), hasKey(value, step.key));
      value = member(value, step.key);
    } else if ('index' in step) {
      guards.push(isList(value), relation(call('size', value), '>', primary(String(step.index))));
      value = primary(`${operand(value, 'primary')}[${step.index}]`);
    } else {
      throw new RiskgateError('CEL_INTERNAL', 'reach() walks no [*] step');
    }
  }
  return { guards, value };
}

function splitAtEach(steps: Step[]): { before: Step[]; after: Step[] | undefined } {
  const at = steps.findIndex((s) => 'each' in s);
  return at < 0 ? { before: steps, after: undefined } : { before: steps.slice(0, at), after: steps.slice(at + 1) };
}

/**
 * CEL true when some value at the path passes `test` (null values included: a test excludes them if it needs). `test`
 * gets the facts that hold where it stands: those given plus the guards on the way.
 */
export function someValue(start: Cel, steps: Step[], test: (value: Cel, facts: Facts) => Cel, vars: MacroVariables, facts: Facts): Cel {
  const { before, after } = splitAtEach(steps);
  const { guards, value } = reach(start, before);
  if (after === undefined) {
    const walk = and(...unknownTo(facts, guards));
    return and(walk, test(value, including(facts, walk)));
  }
  const walk = and(...unknownTo(facts, [...guards, isList(value)]));
  const x = vars.next();
  const inner = someValue(x, after, test, vars, including(facts, walk));
  if (inner.text === FALSE.text) return FALSE;
  return and(walk, method(value, 'exists', x.text, inner.text));
}

/**
 * CEL for the list of non-null values at the path, in order, as the evaluator resolves it. Exact with at most one
 * `[*]`; with more, a list of lists that differs whenever the flat lists differ (so `!=` over-approximates).
 */
export function valueList(start: Cel, steps: Step[], vars: MacroVariables, facts: Facts): { cel: Cel; exact: boolean } {
  const { before, after } = splitAtEach(steps);
  const { guards, value } = reach(start, before);
  if (after === undefined) return { cel: conditional(and(...unknownTo(facts, guards), notNull(value)), list([value]), EMPTY_LIST), exact: true };
  const x = vars.next();
  const present = and(...unknownTo(facts, [...guards, isList(value)]));
  if (!after.some((s) => 'each' in s)) {
    const inner = reach(x, after);
    return { cel: conditional(present, method(value, 'map', x.text, and(...inner.guards, notNull(inner.value)).text, inner.value.text), EMPTY_LIST), exact: true };
  }
  const inner = valueList(x, after, vars, including(facts, present));
  return { cel: conditional(present, method(value, 'map', x.text, inner.cel.text), EMPTY_LIST), exact: false };
}
