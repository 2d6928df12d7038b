// The one normalized request shape: every front end (admission, manifest, audit log, live object) produces it, the engine reads only it.
import type { JsonObject } from './json-value.js';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
export const OPERATIONS: readonly Operation[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

/** Where the request came from; the engine treats all sources alike, outputs may not. */
export type RequestSource = 'admission' | 'manifest' | 'audit' | 'cluster';

export interface UserIdentity {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** Position of an object inside a manifest file, for `file:line` reports. */
export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
}

export interface ResourceRequest {
  source: RequestSource;
  /** AdmissionReview request.uid, audit auditID, a manifest-derived id, or a live object's `<uid>@<resourceVersion>`. */
  uid: string;
  operation: Operation;
  /** API group of the resource ('' for core), e.g. 'apps'. */
  group: string;
  version: string;
  /** Plural resource, e.g. 'services', 'daemonsets', 'pods'. */
  resource: string;
  /** Subresource such as 'exec' or 'attach', '' when none. */
  subResource: string;
  /** Kind of the object carried, e.g. 'Service', 'PodExecOptions'. */
  kind: string;
  /** request.namespace (authoritative), never metadata.namespace alone. */
  namespace: string;
  name: string;
  user: UserIdentity;
  object: JsonObject | null;
  oldObject: JsonObject | null;
  /**
   * metadata.uid of the object the request is about, when the input carries it: admission has it in object (the API
   * server fills it before validating a CREATE) or oldObject; the audit log in the stored response, the request body or
   * objectRef. Absent for manifests (no live object) and for CONNECT (the body is PodExecOptions, not the Pod).
   */
  objectUid?: string;
  dryRun: boolean;
  /** Client addresses: known for audit events, empty for admission and manifests. */
  sourceIPs: string[];
  userAgent: string;
  location?: SourceLocation;
  /**
   * Labels of the Namespace named by `namespace`, when the front end knows them: serve from its watch of Namespaces,
   * check from Namespace objects in its input, replay from the Namespace writes in the log. Absent when unknown, and
   * then no namespace-label exemption applies (unknown never exempts).
   */
  namespaceLabels?: Record<string, string>;
}
