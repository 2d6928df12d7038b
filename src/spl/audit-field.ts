// Where a rule's field path lives in a Kubernetes audit event as Splunk extracts it (`requestObject.spec.type`, `user.groups{}`…).
import { parsePath } from '../engine/field-path.js';
import { CONNECT_PARAMETERS } from '../kubernetes/audit-event.js';
import type { FieldPath, RequestRule } from '../rules/rule.js';

/**
 * - `field`: an SPL field (raw JSON extraction, or a field the search derives first, such as `command` from the
 *   requestURI of an exec); `multivalue` when it may hold several values (`{}` arrays, exec command arguments).
 * - `indexed`: one element of a multivalue field (`mvindex(command, 0)`), usable in eval only.
 * - `subtree`: a JSON object or array under requestObject, which Splunk does not extract as one field; eval reads it
 *   with `spath(_raw, path)`.
 * - `unknown`: the audit log does not hold it (everything under oldObject).
 */
export type AuditField =
  | { kind: 'field'; field: string; multivalue: boolean; derived: boolean; spathPath?: string }
  | { kind: 'indexed'; field: string; index: number }
  | { kind: 'unknown'; why: string };

/** `request.*` paths and the audit fields holding the same value. */
const REQUEST_FIELDS: Readonly<Record<string, { field: string; multivalue: boolean }>> = {
  subResource: { field: 'objectRef.subresource', multivalue: false },
  resource: { field: 'objectRef.resource', multivalue: false },
  group: { field: 'objectRef.apiGroup', multivalue: false },
  namespace: { field: 'objectRef.namespace', multivalue: false },
  name: { field: 'objectRef.name', multivalue: false },
  username: { field: 'user.username', multivalue: false },
  groups: { field: 'user.groups{}', multivalue: true },
};

/** A rule reads CONNECT options (exec command, stdin…) when it matches CONNECT only. */
export function isConnectRule(rule: RequestRule): boolean {
  return rule.match.operations.length > 0 && rule.match.operations.every((op) => op === 'CONNECT');
}

function connectField(steps: ReturnType<typeof parsePath>['steps']): AuditField {
  const [first, second, ...rest] = steps;
  if (!first || !('key' in first) || !(first.key in CONNECT_PARAMETERS) || rest.length > 0) {
    return { kind: 'unknown', why: 'not an exec/attach query parameter' };
  }
  const multivalue = CONNECT_PARAMETERS[first.key] === 'list';
  if (!second) return { kind: 'field', field: first.key, multivalue, derived: true };
  if (!multivalue) return { kind: 'unknown', why: 'index into a single value' };
  if ('each' in second) return { kind: 'field', field: first.key, multivalue: true, derived: true };
  if ('index' in second) return { kind: 'indexed', field: first.key, index: second.index };
  return { kind: 'unknown', why: 'not an exec/attach query parameter' };
}

function requestObjectField(steps: ReturnType<typeof parsePath>['steps']): AuditField {
  let field = 'requestObject';
  let spathPath = 'requestObject';
  let multivalue = false;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if ('key' in step) {
      field += `.${step.key}`;
      spathPath += `.${step.key}`;
    } else if ('each' in step) {
      field += '{}';
      spathPath += '{}';
      multivalue = true;
    } else if (i === steps.length - 1 && !multivalue) {
      return { kind: 'indexed', field: `${field}{}`, index: step.index };
    } else {
      return { kind: 'unknown', why: 'index inside a flattened array' };
    }
  }
  return { kind: 'field', field, multivalue, derived: false, spathPath };
}

/** Where `path` of `rule` lives in the audit event. */
export function auditFieldOf(rule: RequestRule, path: FieldPath): AuditField {
  const { root, steps } = parsePath(path);
  if (root === 'oldObject') return { kind: 'unknown', why: 'the audit log holds no old object' };
  if (root === 'request') {
    const first = steps[0];
    const known = first && 'key' in first && steps.length === 1 ? REQUEST_FIELDS[first.key] : undefined;
    return known ? { kind: 'field', ...known, derived: false } : { kind: 'unknown', why: `${path} has no audit field` };
  }
  return isConnectRule(rule) ? connectField(steps) : requestObjectField(steps);
}
