// Adapter: one object read live from the API server (a LIST item) → the CREATE ResourceRequest the API server would send if it were created now.
import type { JsonObject } from './json-value.js';
import { isJsonObject } from './json-value.js';
import type { ResourceRequest, UserIdentity } from './resource-request.js';

/** The resource a LIST was made of; its items carry neither apiVersion nor kind, so they come from here. */
export interface LiveResource {
  group: string;
  version: string;
  /** Plural resource, e.g. 'services'. */
  resource: string;
  kind: string;
  namespaced: boolean;
}

/** The identity an audit judges live objects as: the API keeps no creator, so user, group and service account exemptions cannot apply. */
export const AUDIT_USER: UserIdentity = { username: 'riskgate-audit', groups: ['system:authenticated'] };

function metadataString(object: JsonObject, field: string): string {
  const metadata = object['metadata'];
  const value = isJsonObject(metadata) ? metadata[field] : undefined;
  return typeof value === 'string' ? value : '';
}

export function apiVersionOf(resource: Pick<LiveResource, 'group' | 'version'>): string {
  return resource.group ? `${resource.group}/${resource.version}` : resource.version;
}

/**
 * The object as a CREATE admission request would carry it: apiVersion and kind filled in (a LIST leaves them out of its
 * items), everything else as stored (status and defaults included: the API server fills defaults before validating
 * admission too). No oldObject, so UPDATE rules do not select it; dry run, since nothing is written.
 */
export function fromLiveObject(item: JsonObject, resource: LiveResource, user: UserIdentity = AUDIT_USER): ResourceRequest {
  const object: JsonObject = { ...item, apiVersion: apiVersionOf(resource), kind: resource.kind };
  const uid = metadataString(item, 'uid');
  return {
    source: 'cluster',
    uid: `${uid}@${metadataString(item, 'resourceVersion')}`,
    operation: 'CREATE',
    group: resource.group,
    version: resource.version,
    resource: resource.resource,
    subResource: '',
    kind: resource.kind,
    namespace: resource.namespaced ? metadataString(item, 'namespace') : '',
    name: metadataString(item, 'name'),
    user: { username: user.username, groups: [...user.groups] },
    object,
    oldObject: null,
    ...(uid ? { objectUid: uid } : {}),
    dryRun: true,
    sourceIPs: [],
    userAgent: '',
  };
}
