// object and oldObject of an audit update or patch event: the stored result when the log shows it, else the object the log last showed with the request applied.
import type { AuditEvent } from '../kubernetes/audit-event.js';
import type { JsonObject } from './json-value.js';
import { isJsonObject } from './json-value.js';
import { PatchError } from './patch-error.js';
import { patchedObject } from './patched-object.js';
import { prePatchObject } from './pre-patch-object.js';
import { serviceWithNodePorts } from './service-node-ports.js';
import { staleObject } from './stale-object.js';

/**
 * Where oldObject came from: `remembered` (the object the log last showed for the same resource, namespace and name,
 * as admission had it unless the log missed a change), `derived` (the stored result minus every path the patch wrote:
 * see prePatchObject) or `unknown` (`{}`).
 */
export type OldObjectSource = 'remembered' | 'derived' | 'unknown';

export interface UpdateObjects {
  object: JsonObject | null;
  oldObject: JsonObject;
  oldObjectSource: OldObjectSource;
}

/** What the API server fills in before admission, for the fields riskgate's rules read (Service node ports). */
function asAdmitted(event: AuditEvent, object: JsonObject, known: JsonObject): JsonObject {
  const ref = event.objectRef;
  return ref?.resource === 'services' && !ref.apiGroup ? serviceWithNodePorts(object, known) : object;
}

/** The remembered object with the patch applied, or undefined when the body is absent or does not apply. */
function requestedByPatch(event: AuditEvent, known: JsonObject, fieldManager: string): JsonObject | undefined {
  if (event.requestObject === undefined) return undefined;
  try {
    return asAdmitted(event, patchedObject(known, event.requestObject, fieldManager), known);
  } catch (error) {
    if (error instanceof PatchError) return undefined;
    throw error;
  }
}

/**
 * - patch, result in the log (`stored`): object = the result; oldObject = `known`, unless the result shows `known` is
 *   stale (staleObject): then the result minus what the patch wrote (derived, as without `known`).
 * - patch, no result (denied, or a level without the response) and `known`: object = `known` with the patch applied
 *   (patchedObject, then the Service node ports the API server fills in); oldObject = `known`.
 * - update (PUT) and `known`: object = the result, else the request body with the node ports filled in; oldObject = `known`.
 * - anything else, or a body naming another resourceVersion than `known`: object = the request body (for a patch, the
 *   patch itself: partial) or the result; oldObject unknown.
 */
export function updateObjectsOf(event: AuditEvent, stored: JsonObject | undefined, remembered: JsonObject | undefined, fieldManager: string): UpdateObjects {
  const body = isJsonObject(event.requestObject) ? event.requestObject : undefined;
  const known = remembered && !staleObject(remembered, body) ? remembered : undefined;
  if (event.verb === 'patch') {
    if (stored) {
      const derived = prePatchObject(stored, event.requestObject);
      if (known && !staleObject(known, undefined, derived)) return { object: stored, oldObject: known, oldObjectSource: 'remembered' };
      return { object: stored, oldObject: derived, oldObjectSource: 'derived' };
    }
    const requested = known ? requestedByPatch(event, known, fieldManager) : undefined;
    if (requested) return { object: requested, oldObject: known!, oldObjectSource: 'remembered' };
  } else if (known) {
    return { object: stored ?? (body ? asAdmitted(event, body, known) : null), oldObject: known, oldObjectSource: 'remembered' };
  }
  return { object: body ?? stored ?? null, oldObject: {}, oldObjectSource: 'unknown' };
}
