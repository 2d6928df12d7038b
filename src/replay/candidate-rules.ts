// Which request rules can select a replayed event (operation, API group, resource/subresource), decided from its verb and objectRef before it is normalized.
import type { AuditEvent } from '../kubernetes/audit-event.js';
import { operationOf } from '../request/from-audit-event.js';
import type { RequestRule, Rule } from '../rules/rule.js';

const ANY_GROUP = '*';
const NONE: readonly RequestRule[] = [];

function key(operation: string, resource: string, group: string): string {
  return `${operation} ${resource} ${group}`;
}

/**
 * A lookup from an audit event to the request rules whose match (matchesRequest: operation, apiGroups,
 * resource/subresource) can hold for it, in catalog order; undefined when admission never sees the event (reads,
 * non-resource URLs: exactly when requestOfAuditEvent returns undefined). Evaluating only those rules gives the same
 * findings as evaluating all of them, and a request with none has no finding: it need not be normalized at all. Every
 * request rule counts, `off` ones too, as for evaluate(). The API version is not part of the key (matchesRequest lets
 * an empty version through), which only keeps more rules.
 */
export function candidateRules(rules: readonly Rule[]): (event: AuditEvent) => readonly RequestRule[] | undefined {
  const byKey = new Map<string, RequestRule[]>();
  const add = (rule: RequestRule, at: string): void => {
    const list: RequestRule[] = byKey.get(at) ?? [];
    if (!list.includes(rule)) list.push(rule);
    byKey.set(at, list);
  };
  for (const rule of rules) {
    if (rule.type !== 'request') continue;
    const { operations, resources, apiGroups } = rule.match;
    for (const operation of operations) for (const resource of resources) for (const group of apiGroups) add(rule, key(operation, resource, group));
  }
  const merged = new Map<string, readonly RequestRule[]>();
  const lookup = (operation: string, resource: string, group: string): readonly RequestRule[] => {
    const exact = byKey.get(key(operation, resource, group)) ?? NONE;
    const any = group === ANY_GROUP ? NONE : (byKey.get(key(operation, resource, ANY_GROUP)) ?? NONE);
    if (any.length === 0) return exact;
    if (exact.length === 0) return any;
    const cacheKey = key(operation, resource, group);
    let both = merged.get(cacheKey);
    if (!both) {
      both = rules.filter((r): r is RequestRule => r.type === 'request' && (exact.includes(r) || any.includes(r)));
      merged.set(cacheKey, both);
    }
    return both;
  };
  return (event) => {
    const ref = event.objectRef;
    if (!ref?.resource) return undefined;
    const subresource = ref.subresource ?? '';
    const operation = operationOf(event.verb, subresource);
    if (!operation) return undefined;
    return lookup(operation, subresource ? `${ref.resource}/${subresource}` : ref.resource, ref.apiGroup ?? '');
  };
}
