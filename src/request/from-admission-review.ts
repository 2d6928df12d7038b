// Adapter: an AdmissionReview v1/v1beta1 body (already JSON-parsed) → the normalized ResourceRequest, or a DecodeError naming the field.
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import type { AdmissionApiVersion, AdmissionReviewRequest } from '../kubernetes/admission-review.js';
import { ADMISSION_REVIEW_SCHEMA } from '../kubernetes/admission-review.js';
import { DecodeError } from './decode-error.js';
import { fieldName, pointerPath } from './field-name.js';
import { MAX_JSON_DEPTH, tooDeepPath } from './json-depth.js';
import { metadataUidOf } from './object-uid.js';
import type { ResourceRequest } from './resource-request.js';

const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
const validateReview = ajv.compile<AdmissionReviewRequest>(ADMISSION_REVIEW_SCHEMA);

export interface DecodedAdmissionReview {
  apiVersion: AdmissionApiVersion;
  request: ResourceRequest;
}

function fieldOf(error: ErrorObject): string {
  const path = pointerPath(error.instancePath);
  if (error.keyword === 'required') path.push((error.params as { missingProperty: string }).missingProperty);
  return path.length > 0 ? fieldName(path) : 'body';
}

function describe(error: ErrorObject): string {
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'enum') return `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (error.keyword === 'const') return `must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}`;
  return error.message ?? 'is invalid';
}

export function fromAdmissionReview(body: unknown): DecodedAdmissionReview {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DecodeError('ADMISSION_NOT_AN_OBJECT', 'body', 'must be a JSON object (an AdmissionReview)');
  }
  if (!validateReview(body)) {
    const error = validateReview.errors?.[0];
    throw new DecodeError('ADMISSION_INVALID', error ? fieldOf(error) : 'body', error ? describe(error) : 'is not an AdmissionReview');
  }
  // The schema does not look inside the objects; the engine walks them recursively, so bound their depth first.
  const deep = tooDeepPath(body);
  if (deep) throw new DecodeError('ADMISSION_INVALID', fieldName(deep), `is nested more than ${MAX_JSON_DEPTH} levels deep`);
  const r = body.request;
  const objectUid = metadataUidOf(r.object, r.oldObject);
  const request: ResourceRequest = {
    source: 'admission',
    uid: r.uid,
    operation: r.operation,
    group: r.resource.group ?? '',
    version: r.resource.version ?? '',
    resource: r.resource.resource,
    subResource: r.subResource ?? '',
    kind: r.kind.kind,
    // request.namespace is what the API server authorizes; metadata.namespace may be empty (or differ) on CREATE.
    namespace: r.namespace ?? '',
    name: r.name ?? '',
    user: { username: r.userInfo.username ?? '', groups: r.userInfo.groups ?? [] },
    object: r.object ?? null,
    oldObject: r.oldObject ?? null,
    dryRun: r.dryRun === true,
    sourceIPs: [],
    userAgent: '',
  };
  // Optional members only when the body has them (assigned, not spread from a temporary object on every review).
  if (r.userInfo.uid) request.user.uid = r.userInfo.uid;
  if (r.userInfo.extra) request.user.extra = r.userInfo.extra;
  if (objectUid) request.objectUid = objectUid;
  return { apiVersion: body.apiVersion, request };
}
