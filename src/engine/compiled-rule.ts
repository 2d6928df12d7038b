// The request rules of a catalog compiled once into closures: the match as sets, conditions (and `changed`) on plain paths as direct reads; the same answers as match.ts's interpreter.
import type { JsonValue } from '../request/json-value.js';
import type { ResourceRequest } from '../request/resource-request.js';
import type { Condition, RequestRule, Rule, RuleMatch } from '../rules/rule.js';
import { requestRules } from '../rules/catalog.js';
import { evaluateCondition, sameJson } from './match.js';
import { parsePath, withRoot } from './field-path.js';

export interface CompiledRule {
  rule: RequestRule;
  /** Whether the rule's match and condition select the request; `resource` is resourceKey(request). */
  matches(request: ResourceRequest, resource: string): boolean;
}

type Test = (request: ResourceRequest) => boolean;
type Read = (request: ResourceRequest) => JsonValue | undefined;

function compileMatch(match: RuleMatch): (request: ResourceRequest, resource: string) => boolean {
  const operations = new Set<string>(match.operations);
  const anyGroup = match.apiGroups.includes('*');
  const groups = new Set(match.apiGroups);
  const anyVersion = match.apiVersions.includes('*');
  const versions = new Set(match.apiVersions);
  const resources = new Set(match.resources);
  return (request, resource) =>
    operations.has(request.operation) &&
    (anyGroup || groups.has(request.group)) &&
    (anyVersion || request.version === '' || versions.has(request.version)) &&
    resources.has(resource);
}

function step(value: JsonValue | undefined, key: string | number): JsonValue | undefined {
  if (typeof key === 'number') return Array.isArray(value) && key < value.length ? value[key] : undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
  return value[key];
}

/**
 * A reader for a path of keys and indexes from object or oldObject (at most one value, like resolvePath gives), or
 * undefined when the path needs the interpreter (a `[*]`, the `request` root).
 */
function compileRead(path: string): Read | undefined {
  const { root, steps } = parsePath(path);
  if (root !== 'object' && root !== 'oldObject') return undefined;
  const keys: Array<string | number> = [];
  for (const s of steps) {
    if ('each' in s) return undefined;
    keys.push('key' in s ? s.key : s.index);
  }
  return (request) => {
    let value: JsonValue | undefined = (root === 'object' ? request.object : request.oldObject) ?? undefined;
    for (let i = 0; i < keys.length && value !== undefined; i++) value = step(value, keys[i]!);
    return value;
  };
}

/** A leaf on a plain path, read directly; null counts as absent, as in resolvePath. */
function compileLeaf(condition: Condition, read: Read): Test | undefined {
  if ('equals' in condition) {
    const expected = condition.equals;
    return (request) => read(request) === expected;
  }
  if ('notEquals' in condition) {
    const unwanted = condition.notEquals;
    return (request) => read(request) !== unwanted;
  }
  if ('in' in condition) {
    const allowed = new Set<JsonValue>(condition.in);
    return (request) => {
      const value = read(request);
      return value !== undefined && value !== null && allowed.has(value);
    };
  }
  if ('matches' in condition) {
    const pattern = new RegExp(condition.matches);
    return (request) => {
      const value = read(request);
      return typeof value === 'string' && pattern.test(value);
    };
  }
  if ('exists' in condition) {
    const wanted = condition.exists;
    return (request) => {
      const value = read(request);
      return (value !== undefined && value !== null) === wanted;
    };
  }
  return undefined;
}

/** `changed` on a plain path: the value there against the old object's (null counts as absent on both sides). */
function compileChanged(field: string, read: Read): Test | undefined {
  const readOld = compileRead(withRoot(field, 'oldObject'));
  if (!readOld) return undefined;
  const present = (value: JsonValue | undefined) => (value === null ? undefined : value);
  return (request) => !sameJson(present(read(request)), present(readOld(request)));
}

function compileCondition(condition: Condition): Test {
  if ('allOf' in condition) {
    const parts = condition.allOf.map(compileCondition);
    return (request) => parts.every((part) => part(request));
  }
  if ('anyOf' in condition) {
    const parts = condition.anyOf.map(compileCondition);
    return (request) => parts.some((part) => part(request));
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not);
    return (request) => !inner(request);
  }
  const read = compileRead(condition.field);
  const leaf = read ? ('changed' in condition ? compileChanged(condition.field, read) : compileLeaf(condition, read)) : undefined;
  // Wildcards, the request root and addedValues: the interpreter.
  return leaf ?? ((request) => evaluateCondition(condition, request));
}

function compileRule(rule: RequestRule): CompiledRule {
  const match = compileMatch(rule.match);
  const condition = rule.condition ? compileCondition(rule.condition) : undefined;
  return { rule, matches: (request, resource) => match(request, resource) && (condition === undefined || condition(request)) };
}

const compiled = new WeakMap<readonly Rule[], CompiledRule[]>();

/** The request rules of `rules`, in catalog order, compiled the first time this list is seen. */
export function compiledRequestRules(rules: readonly Rule[]): CompiledRule[] {
  let list = compiled.get(rules);
  if (!list) compiled.set(rules, (list = requestRules(rules).map(compileRule)));
  return list;
}
