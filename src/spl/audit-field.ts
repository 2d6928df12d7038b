// Where a rule's field path lives in a Kubernetes audit event as Splunk extracts it (`requestObject.spec.type`, `user.groups{}`…).
import { parsePath } from '../engine/field-path.js';
import { CONNECT_PARAMETERS } from '../kubernetes/audit-event.js';
import type { FieldPath, RequestRule } from '../rules/rule.js';
import type { KeptPath } from './kept-path.js';
import { keptPathOf } from './kept-path.js';

/**
 * - `field`: an SPL field (raw JSON extraction, or a field the search derives first, such as `command` from the
 *   requestURI of an exec); `multivalue` when it may hold several values (`{}` arrays, exec command arguments).
 * - `indexed`: one element of a multivalue field (`mvindex(command, 0)`), usable in eval only.
 * - `subtree`: a JSON object or array under requestObject, which Splunk does not extract as one field; eval reads it
 *   with `spath(_raw, path)`.
 * - `stored` (on `field` and `indexed`): the same path under responseObject. For rules that judge updates, the new
 *   object is the stored result when the event has it (an allowed patch or update at RequestResponse level), else the
 *   request body: `coalesce(stored, field)`.
 * - `old`: a path of oldObject in an update: known only for an allowed patch that did not write it, where it equals
 *   the stored result (`current`); `kept` names the flag the search computes for that (see kept-path.ts).
 * - `unknown`: the audit log does not hold it (oldObject of a rule that judges no update).
 */
export type AuditField =
  | { kind: 'field'; field: string; multivalue: boolean; derived: boolean; spathPath?: string; stored?: StoredField }
  | { kind: 'indexed'; field: string; index: number; stored?: StoredField }
  | { kind: 'old'; current: Extract<AuditField, { kind: 'field' | 'indexed' }>; kept: KeptPath }
  | { kind: 'unknown'; why: string };

/** The responseObject twin of a requestObject field. */
export interface StoredField {
  field: string;
  spathPath?: string;
}

type Steps = ReturnType<typeof parsePath>['steps'];

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

function connectField(steps: Steps): AuditField {
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

type ObjectField = Extract<AuditField, { kind: 'field' | 'indexed' }>;

function objectField(root: 'requestObject' | 'responseObject', steps: Steps): ObjectField | Extract<AuditField, { kind: 'unknown' }> {
  let field = root;
  let multivalue = false;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if ('key' in step) {
      field += `.${step.key}`;
    } else if ('each' in step) {
      field += '{}';
      multivalue = true;
    } else if (i === steps.length - 1 && !multivalue) {
      return { kind: 'indexed', field: `${field}{}`, index: step.index };
    } else {
      return { kind: 'unknown', why: 'index inside a flattened array' };
    }
  }
  return { kind: 'field', field, multivalue, derived: false, spathPath: field };
}

/** Whether the rule judges updates, whose audit events may carry the stored result (see AuditField `stored`). */
export function readsStoredResult(rule: RequestRule): boolean {
  return rule.match.operations.includes('UPDATE') && !isConnectRule(rule);
}

/** object.P: the request body's field, and for update rules its stored twin. */
function newObjectField(rule: RequestRule, steps: Steps): AuditField {
  const requested = objectField('requestObject', steps);
  if (requested.kind === 'unknown' || !readsStoredResult(rule)) return requested;
  const stored = objectField('responseObject', steps) as ObjectField;
  return { ...requested, stored: stored.kind === 'field' ? { field: stored.field, spathPath: stored.spathPath! } : { field: stored.field } };
}

/** oldObject.P: known where an allowed patch left P as it was, so only for update rules. */
function oldObjectField(rule: RequestRule, path: FieldPath, steps: Steps): AuditField {
  if (!readsStoredResult(rule)) return { kind: 'unknown', why: 'the audit log holds no old object' };
  const current = objectField('responseObject', steps);
  const kept = keptPathOf(path);
  if (current.kind === 'unknown' || !kept) return current.kind === 'unknown' ? current : { kind: 'unknown', why: 'no path a patch can write' };
  return { kind: 'old', current, kept };
}

/** Where `path` of `rule` lives in the audit event. */
export function auditFieldOf(rule: RequestRule, path: FieldPath): AuditField {
  const { root, steps } = parsePath(path);
  if (root === 'oldObject') return oldObjectField(rule, path, steps);
  if (root === 'request') {
    const first = steps[0];
    const known = first && 'key' in first && steps.length === 1 ? REQUEST_FIELDS[first.key] : undefined;
    return known ? { kind: 'field', ...known, derived: false } : { kind: 'unknown', why: `${path} has no audit field` };
  }
  return isConnectRule(rule) ? connectField(steps) : newObjectField(rule, steps);
}
