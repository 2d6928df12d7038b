// Adapter: one Kubernetes audit event (audit.k8s.io/v1 or v1beta1, already JSON-parsed) → the normalized ResourceRequest admission would have seen.
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import type { AuditEvent, AuditUserInfo } from '../kubernetes/audit-event.js';
import { AUDIT_API_VERSIONS, CONNECT_OPTIONS_KIND, CONNECT_PARAMETERS, CONNECT_SUBRESOURCES, queryBoolean } from '../kubernetes/audit-event.js';
import { knownKinds } from '../kubernetes/kinds.js';
import { DecodeError } from './decode-error.js';
import { fieldName, pointerPath } from './field-name.js';
import { MAX_JSON_DEPTH, tooDeepPath } from './json-depth.js';
import type { JsonObject, JsonValue } from './json-value.js';
import { isJsonObject } from './json-value.js';
import { metadataUidOf } from './object-uid.js';
import type { Operation, ResourceRequest, UserIdentity } from './resource-request.js';
import type { OldObjectSource } from './update-objects.js';
import { updateObjectsOf } from './update-objects.js';

type AuditObjects = Pick<ResourceRequest, 'object' | 'oldObject'> & { oldObjectSource?: OldObjectSource };

/** A decoded audit event, and for an UPDATE where its oldObject came from. */
export interface AuditRequest {
  request: ResourceRequest;
  oldObjectSource?: OldObjectSource;
}

const stringList = { type: ['array', 'null'], items: { type: 'string' } } as const;
const userInfo = {
  type: ['object', 'null'],
  properties: {
    username: { type: 'string' },
    uid: { type: 'string' },
    groups: stringList,
    extra: { type: ['object', 'null'], additionalProperties: stringList },
  },
} as const;

/** JSON schema of the parts riskgate reads; anything else in the event is ignored. */
export const AUDIT_EVENT_SCHEMA = {
  type: 'object',
  required: ['kind', 'auditID', 'stage', 'verb'],
  properties: {
    kind: { const: 'Event' },
    apiVersion: { enum: [...AUDIT_API_VERSIONS] },
    auditID: { type: 'string', minLength: 1 },
    stage: { type: 'string', minLength: 1 },
    verb: { type: 'string', minLength: 1 },
    requestURI: { type: 'string' },
    user: userInfo,
    impersonatedUser: userInfo,
    sourceIPs: stringList,
    userAgent: { type: 'string' },
    objectRef: {
      type: 'object',
      properties: {
        resource: { type: 'string' },
        subresource: { type: 'string' },
        namespace: { type: 'string' },
        name: { type: 'string' },
        apiGroup: { type: 'string' },
        apiVersion: { type: 'string' },
      },
    },
    responseStatus: { type: 'object', properties: { code: { type: 'integer' } } },
    annotations: { type: ['object', 'null'], additionalProperties: { type: 'string' } },
  },
} as const;

const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
const validateEvent = ajv.compile<AuditEvent>(AUDIT_EVENT_SCHEMA);

function fieldOf(error: ErrorObject): string {
  const path = pointerPath(error.instancePath);
  if (error.keyword === 'required') path.push((error.params as { missingProperty: string }).missingProperty);
  return path.length > 0 ? fieldName(path) : 'event';
}

function describe(error: ErrorObject): string {
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'enum') return `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (error.keyword === 'const') return `must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}`;
  return error.message ?? 'is invalid';
}

/** Checks the event's shape; throws a DecodeError naming `where` (file:line) and the field. */
export function validateAuditEvent(value: unknown, where: string): AuditEvent {
  if (!isJsonObject(value)) throw new DecodeError('AUDIT_NOT_AN_OBJECT', where, 'is not a JSON object (an audit event)');
  if (!validateEvent(value)) {
    const error = validateEvent.errors?.[0];
    throw new DecodeError('AUDIT_INVALID', where, error ? `${fieldOf(error)} ${describe(error)}` : 'is not an audit event');
  }
  // The schema does not look inside requestObject and responseObject; the engine walks them recursively.
  const deep = tooDeepPath(value);
  if (deep) throw new DecodeError('AUDIT_INVALID', where, `${fieldName(deep)} is nested more than ${MAX_JSON_DEPTH} levels deep`);
  return value;
}

/**
 * The admission operation of an audit verb, or undefined for requests admission never sees (get, list, watch…).
 * CONNECT subresources (exec, attach, portforward, proxy) are CONNECT whatever the verb.
 */
export function operationOf(verb: string, subresource: string): Operation | undefined {
  if (CONNECT_SUBRESOURCES.includes(subresource)) return 'CONNECT';
  switch (verb) {
    case 'create':
      return 'CREATE';
    case 'update':
    case 'patch':
      return 'UPDATE';
    case 'delete':
    case 'deletecollection':
      return 'DELETE';
    default:
      return undefined;
  }
}

function queryOf(requestURI: string | undefined): URLSearchParams {
  const q = requestURI?.indexOf('?') ?? -1;
  return new URLSearchParams(q >= 0 ? requestURI!.slice(q + 1) : '');
}

/**
 * The PodExecOptions / PodAttachOptions admission receives, rebuilt from the requestURI query (exec and attach
 * audit events carry no requestObject). Like the API server's JSON, false booleans and empty values are left out.
 */
export function connectOptionsOf(subresource: string, query: URLSearchParams): JsonObject {
  const object: JsonObject = { kind: CONNECT_OPTIONS_KIND[subresource] ?? 'Unknown', apiVersion: 'v1' };
  if (subresource !== 'exec' && subresource !== 'attach') return object;
  for (const [name, type] of Object.entries(CONNECT_PARAMETERS)) {
    if (name === 'command' && subresource !== 'exec') continue;
    const values = query.getAll(name);
    if (type === 'list' && values.length > 0) object[name] = values;
    if (type === 'string' && values[0]) object[name] = values[0];
    if (type === 'boolean' && queryBoolean(values[0])) object[name] = true;
  }
  return object;
}

/** The stored object in the response, unless the response is a Status (failure, or some deletes). */
function storedObject(event: AuditEvent): JsonObject | undefined {
  const response = event.responseObject;
  return isJsonObject(response) && response['kind'] !== 'Status' ? response : undefined;
}

function objectOrUndefined(value: JsonValue | undefined): JsonObject | undefined {
  return isJsonObject(value) ? value : undefined;
}

/**
 * object and oldObject as admission would have had them, as far as the audit log tells:
 * - CREATE: object = requestObject (what the client sent; the stored responseObject when the level omits the request).
 * - UPDATE (update or patch): see updateObjectsOf; `known` is the object the log last showed under the same name
 *   (replay's memory), when there is one.
 * - DELETE: object = null, oldObject = the deleted object from responseObject when present.
 * - CONNECT (exec/attach): object = the options rebuilt from the requestURI query.
 * Unknown old objects are `{}`, not null: label exemptions then require the label on both sides, as at admission.
 */
function objectsOf(event: AuditEvent, operation: Operation, subresource: string, query: URLSearchParams, known: JsonObject | undefined): AuditObjects {
  const requestObject = objectOrUndefined(event.requestObject);
  const stored = storedObject(event);
  switch (operation) {
    case 'CONNECT':
      return { object: connectOptionsOf(subresource, query), oldObject: null };
    case 'CREATE':
      return { object: requestObject ?? stored ?? null, oldObject: null };
    case 'DELETE':
      return { object: null, oldObject: stored ?? null };
    case 'UPDATE':
      return updateObjectsOf(event, stored, known, query.get('fieldManager') ?? '');
  }
}

/**
 * The uid of the object, as far as the log tells: the stored object in the response first (a CREATE's request body has
 * none), then the request body and the old object, then objectRef.uid. None for CONNECT: the Pod is not in the event.
 */
function objectUidOf(event: AuditEvent, operation: Operation, oldObject: JsonObject | null): string | undefined {
  if (operation === 'CONNECT') return undefined;
  const refUid = event.objectRef?.uid;
  return metadataUidOf(storedObject(event), objectOrUndefined(event.requestObject), oldObject) ?? (typeof refUid === 'string' && refUid !== '' ? refUid : undefined);
}

let kindsByResource: Map<string, string> | undefined;

/**
 * The kind admission would name when no body in the event says it (Metadata level, patch bodies, failed requests):
 * the built-in kind served as that resource; the main resource and its /status share the kind.
 */
function kindOfResource(group: string, resource: string, subresource: string): string {
  if (subresource !== '' && subresource !== 'status') return '';
  kindsByResource ??= new Map(knownKinds().map((k) => [`${k.group}/${k.resource}`, k.kind]));
  return kindsByResource.get(`${group}/${resource}`) ?? '';
}

function identityOf(user: AuditUserInfo | null | undefined): UserIdentity {
  return {
    username: user?.username ?? '',
    groups: user?.groups ?? [],
    ...(user?.uid ? { uid: user.uid } : {}),
    ...(user?.extra ? { extra: user.extra } : {}),
  };
}

/**
 * The user admission saw: the impersonated user when the request was impersonated (`kubectl --as`), since
 * authorization and admission act on that identity; the audit event's `user` (the authenticated user) otherwise.
 */
export function admittedUser(event: AuditEvent): UserIdentity {
  return identityOf(event.impersonatedUser?.username ? event.impersonatedUser : event.user);
}

/**
 * Decodes an already validated event; `known` is the object the log last showed under the event's resource, namespace
 * and name (replay remembers it), if any. Returns undefined for events admission never sees: read-only verbs (get,
 * list, watch) and non-resource URLs (no objectRef or no objectRef.resource).
 */
export function auditRequestOf(event: AuditEvent, known?: JsonObject): AuditRequest | undefined {
  const ref = event.objectRef;
  if (!ref?.resource) return undefined;
  const subResource = ref.subresource ?? '';
  const operation = operationOf(event.verb, subResource);
  if (!operation) return undefined;
  const query = queryOf(event.requestURI);
  const { object, oldObject, oldObjectSource } = objectsOf(event, operation, subResource, query, known);
  const bodyKind = object?.['kind'] ?? oldObject?.['kind'];
  const group = ref.apiGroup ?? '';
  const objectUid = objectUidOf(event, operation, oldObject);
  const request: ResourceRequest = {
    source: 'audit',
    uid: event.auditID,
    operation,
    group,
    version: ref.apiVersion ?? '',
    resource: ref.resource,
    subResource,
    kind: typeof bodyKind === 'string' ? bodyKind : kindOfResource(group, ref.resource, subResource),
    namespace: ref.namespace ?? '',
    name: ref.name ?? '',
    user: admittedUser(event),
    object,
    oldObject,
    ...(objectUid ? { objectUid } : {}),
    dryRun: query.getAll('dryRun').length > 0,
    sourceIPs: event.sourceIPs ?? [],
    userAgent: event.userAgent ?? '',
  };
  return oldObjectSource ? { request, oldObjectSource } : { request };
}

/** The request of an already validated event (see auditRequestOf). */
export function requestOfAuditEvent(event: AuditEvent, known?: JsonObject): ResourceRequest | undefined {
  return auditRequestOf(event, known)?.request;
}

/** Validates and decodes one audit event; `where` (file:line) names it in errors. */
export function fromAuditEvent(value: unknown, where: string): ResourceRequest | undefined {
  return requestOfAuditEvent(validateAuditEvent(value, where));
}
