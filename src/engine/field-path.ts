// Resolves a rule's field path against a request: one path may yield several values, like a multivalue SPL field.
import type { JsonValue } from '../request/json-value.js';
import { isJsonObject } from '../request/json-value.js';
import type { ResourceRequest } from '../request/resource-request.js';

type Step = { key: string } | { index: number } | { each: true };

const STEP_PATTERN = /([^.[\]]+)|\[(\*|\d+)\]/g;

const parsedPaths = new Map<string, { root: string; steps: Step[] }>();

export function parsePath(path: string): { root: string; steps: Step[] } {
  const cached = parsedPaths.get(path);
  if (cached) return cached;
  const steps: Step[] = [];
  for (const m of path.matchAll(STEP_PATTERN)) {
    if (m[1] !== undefined) steps.push({ key: m[1] });
    else if (m[2] === '*') steps.push({ each: true });
    else steps.push({ index: Number(m[2]) });
  }
  const first = steps.shift();
  if (!first || !('key' in first)) throw new Error(`field path "${path}" must start with object, oldObject or request`);
  const parsed = { root: first.key, steps };
  parsedPaths.set(path, parsed);
  return parsed;
}

function rootValue(request: ResourceRequest, root: string): JsonValue | undefined {
  switch (root) {
    case 'object':
      return request.object ?? undefined;
    case 'oldObject':
      return request.oldObject ?? undefined;
    case 'request':
      return {
        operation: request.operation,
        group: request.group,
        resource: request.resource,
        subResource: request.subResource,
        kind: request.kind,
        namespace: request.namespace,
        name: request.name,
        username: request.user.username,
        groups: request.user.groups,
      };
    default:
      throw new Error(`field path root "${root}" is not one of object, oldObject, request`);
  }
}

function walk(values: JsonValue[], step: Step): JsonValue[] {
  const out: JsonValue[] = [];
  for (const value of values) {
    if ('key' in step) {
      if (isJsonObject(value) && Object.prototype.hasOwnProperty.call(value, step.key)) {
        const next = value[step.key];
        if (next !== undefined) out.push(next);
      }
    } else if ('index' in step) {
      if (Array.isArray(value) && step.index < value.length) out.push(value[step.index] as JsonValue);
    } else if (Array.isArray(value)) {
      out.push(...value);
    }
  }
  return out;
}

/** Every value at the path; null values count as absent. */
export function resolvePath(request: ResourceRequest, path: string): JsonValue[] {
  const { root, steps } = parsePath(path);
  const start = rootValue(request, root);
  if (start === undefined) return [];
  let values: JsonValue[] = [start];
  for (const step of steps) values = walk(values, step);
  return values.filter((v) => v !== null);
}

/** The same path with its root swapped, e.g. object.spec.type → oldObject.spec.type. */
export function withRoot(path: string, root: 'object' | 'oldObject'): string {
  const dot = path.search(/[.[]/);
  return dot < 0 ? root : root + path.slice(dot);
}
