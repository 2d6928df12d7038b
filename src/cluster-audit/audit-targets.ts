// What an audit lists (pure): every resource a request rule judges on CREATE, derived from the catalog, at the rule's version.
import { kindOfResource } from '../kubernetes/kinds.js';
import type { LiveResource } from '../request/from-live-object.js';
import type { RequestRule } from '../rules/rule.js';

/**
 * One LIST per resource that some rule selects on CREATE (an existing object is judged as if created now: UPDATE,
 * DELETE and CONNECT rules have nothing to say about it). Subresources (pods/exec) are not objects and are left out,
 * and so is a resource missing from the kind table (its kind, and so its rules' view of it, would be a guess).
 */
export function auditTargets(rules: readonly RequestRule[]): LiveResource[] {
  const targets = new Map<string, LiveResource>();
  for (const rule of rules) {
    if (!rule.match.operations.includes('CREATE')) continue;
    const version = rule.match.apiVersions.find((v) => v !== '*') ?? 'v1';
    for (const group of rule.match.apiGroups.filter((g) => g !== '*')) {
      for (const resource of rule.match.resources.filter((r) => !r.includes('/'))) {
        const kind = kindOfResource(group, resource);
        const key = `${group}/${resource}`;
        if (kind && !targets.has(key)) targets.set(key, { group, version, resource, ...kind });
      }
    }
  }
  return [...targets.values()];
}

/** `services`, `daemonsets.apps`: how kubectl and RBAC messages name a resource. */
export function resourceName(target: Pick<LiveResource, 'group' | 'resource'>): string {
  return target.group ? `${target.resource}.${target.group}` : target.resource;
}

/** The LIST path of a resource, across all namespaces or in one. */
export function listPath(target: LiveResource, namespace?: string): string {
  const base = target.group ? `/apis/${target.group}/${target.version}` : `/api/${target.version}`;
  return namespace !== undefined && target.namespaced ? `${base}/namespaces/${encodeURIComponent(namespace)}/${target.resource}` : `${base}/${target.resource}`;
}

/** The path of one object (what a report points at). */
export function objectPath(target: LiveResource, namespace: string, name: string): string {
  const base = target.group ? `/apis/${target.group}/${target.version}` : `/api/${target.version}`;
  const scope = target.namespaced ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${scope}/${target.resource}/${encodeURIComponent(name)}`;
}
