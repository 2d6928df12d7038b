// Decides whether a request falls under a rule: the webhook-style match (group, resource, operation) and the condition tree.
import type { JsonValue } from '../request/json-value.js';
import type { ResourceRequest } from '../request/resource-request.js';
import type { Condition, RuleMatch, Scalar } from '../rules/rule.js';
import { resolvePath, withRoot } from './field-path.js';

export function resourceKey(request: Pick<ResourceRequest, 'resource' | 'subResource'>): string {
  return request.subResource ? `${request.resource}/${request.subResource}` : request.resource;
}

export function matchesRequest(match: RuleMatch, request: ResourceRequest): boolean {
  return (
    match.operations.includes(request.operation) &&
    (match.apiGroups.includes('*') || match.apiGroups.includes(request.group)) &&
    (match.apiVersions.includes('*') || request.version === '' || match.apiVersions.includes(request.version)) &&
    match.resources.includes(resourceKey(request))
  );
}

function sameScalar(value: JsonValue, expected: Scalar): boolean {
  return value === expected;
}

const regexCache = new Map<string, RegExp>();
function regex(source: string): RegExp {
  let compiled = regexCache.get(source);
  if (!compiled) {
    compiled = new RegExp(source);
    regexCache.set(source, compiled);
  }
  return compiled;
}

/** Canonical text of a JSON value with sorted keys, for comparing subtrees. */
export function canonicalJson(value: JsonValue | undefined): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
}

/** Whether two JSON values are equal with object keys in any order (canonicalJson(a) === canonicalJson(b), without building the texts). */
export function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (!Object.hasOwn(b, key) || !sameJson(a[key], b[key])) return false;
  return true;
}

export function evaluateCondition(condition: Condition, request: ResourceRequest): boolean {
  if ('allOf' in condition) return condition.allOf.every((c) => evaluateCondition(c, request));
  if ('anyOf' in condition) return condition.anyOf.some((c) => evaluateCondition(c, request));
  if ('not' in condition) return !evaluateCondition(condition.not, request);
  const values = resolvePath(request, condition.field);
  if ('equals' in condition) return values.some((v) => sameScalar(v, condition.equals));
  // SPL's `field!=value` semantics are not wanted here: an absent field is "not equal" (e.g. allocateLoadBalancerNodePorts unset = true).
  if ('notEquals' in condition) return !values.some((v) => sameScalar(v, condition.notEquals));
  if ('in' in condition) return values.some((v) => condition.in.some((e) => sameScalar(v, e)));
  if ('matches' in condition) return values.some((v) => typeof v === 'string' && regex(condition.matches).test(v));
  if ('exists' in condition) return values.length > 0 === condition.exists;
  if ('addedValues' in condition) {
    const before = new Set(resolvePath(request, withRoot(condition.field, 'oldObject')).map(canonicalJson));
    return values.some((v) => !before.has(canonicalJson(v)));
  }
  const old = resolvePath(request, withRoot(condition.field, 'oldObject'));
  return !sameJson(values, old);
}
