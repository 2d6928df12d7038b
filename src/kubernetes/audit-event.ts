// Wire types of a Kubernetes audit event (audit.k8s.io/v1 and v1beta1) and the query parameters of exec/attach requestURIs.
import type { JsonObject, JsonValue } from '../request/json-value.js';

export const AUDIT_API_VERSIONS = ['audit.k8s.io/v1', 'audit.k8s.io/v1beta1'] as const;
export type AuditApiVersion = (typeof AUDIT_API_VERSIONS)[number];

/** Stages in the order the API server writes them; Panic replaces ResponseComplete when a handler panics. */
export const AUDIT_STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;
export type AuditStage = (typeof AUDIT_STAGES)[number];
/** After these stages the API server writes nothing more for the request. */
export const FINAL_STAGES: readonly string[] = ['ResponseComplete', 'Panic'];

export interface AuditUserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface AuditObjectReference {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  resourceVersion?: string;
  subresource?: string;
}

export interface AuditResponseStatus {
  code?: number;
  status?: string;
  reason?: string;
  message?: string;
}

/** The fields riskgate reads; v1beta1 adds `timestamp` and `metadata`, which are not needed. */
export interface AuditEvent {
  kind: 'Event';
  apiVersion?: AuditApiVersion;
  level?: 'None' | 'Metadata' | 'Request' | 'RequestResponse';
  auditID: string;
  stage: string;
  requestURI?: string;
  verb: string;
  /** The authenticated user. */
  user?: AuditUserInfo;
  /** The user the request acts as (`kubectl --as`): what authorization and admission see. */
  impersonatedUser?: AuditUserInfo | null;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: AuditObjectReference;
  responseStatus?: AuditResponseStatus;
  /** The request body: the full object for create/update, the patch itself for patch, DeleteOptions for delete. */
  requestObject?: JsonValue;
  /** The response body: the stored object, or a Status when the request failed. */
  responseObject?: JsonValue;
  requestReceivedTimestamp?: string;
  stageTimestamp?: string;
  /** Authorization decisions and admission webhooks' auditAnnotations, as `<webhook name>/<key>`. */
  annotations?: Record<string, string>;
}

/** An audit webhook batch, and what `kubectl get --raw` style dumps may hold. */
export interface AuditEventList {
  kind: 'EventList';
  items: JsonObject[];
}

/**
 * Subresources the API server admits as CONNECT whatever the HTTP verb (kubectl exec tries a WebSocket GET, then a
 * SPDY POST: the audit log shows verb get or create, admission sees CONNECT both times).
 */
export const CONNECT_SUBRESOURCES: readonly string[] = ['exec', 'attach', 'portforward', 'proxy'];

/** Kind of the options object admission receives for a CONNECT subresource of pods. */
export const CONNECT_OPTIONS_KIND: Readonly<Record<string, string>> = {
  exec: 'PodExecOptions',
  attach: 'PodAttachOptions',
  portforward: 'PodPortForwardOptions',
  proxy: 'PodProxyOptions',
};

/**
 * How a PodExecOptions / PodAttachOptions field travels in the requestURI query (`?command=sh&command=-c&stdin=true`).
 * `list`: every value in order (command); `string`: the first value; `boolean`: the first value, false when the
 * parameter is absent or is `0` or `false` (any case), true otherwise (even empty), as the API server's query
 * conversion (apimachinery Convert_Slice_string_To_bool) reads it.
 */
export type ConnectParameterType = 'list' | 'string' | 'boolean';
export const CONNECT_PARAMETERS: Readonly<Record<string, ConnectParameterType>> = {
  command: 'list',
  container: 'string',
  stdin: 'boolean',
  stdout: 'boolean',
  stderr: 'boolean',
  tty: 'boolean',
};

/** The API server's reading of a boolean query value (runtime conversion of []string to bool). */
export function queryBoolean(value: string | undefined): boolean {
  if (value === undefined) return false;
  return !/^(0|false)$/i.test(value);
}
