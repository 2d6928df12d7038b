// Adapter: one manifest object + where it was read + the stand-in identity → the normalized ResourceRequest an API server would send.
import type { JsonObject } from './json-value.js';
import { isJsonObject } from './json-value.js';
import type { ResourceRequest, SourceLocation, UserIdentity } from './resource-request.js';
import { resolveKind } from '../kubernetes/kinds.js';
import { retiredApiVersion } from './retired-api-versions.js';

/** Operations a manifest can stand for: `kubectl create/apply` of a new object, or `apply` over an existing one. */
export type ManifestOperation = 'CREATE' | 'UPDATE';
export const MANIFEST_OPERATIONS: readonly ManifestOperation[] = ['CREATE', 'UPDATE'];

/** The username a manifest is checked as when no `--user` is given. */
export const DEFAULT_CHECK_USER = 'riskgate-check';
/** Where namespaced objects without metadata.namespace land when no `--namespace` is given (kubectl's default context namespace). */
export const DEFAULT_CHECK_NAMESPACE = 'default';

const AUTHENTICATED = 'system:authenticated';
const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

export interface ManifestOptions {
  operation: ManifestOperation;
  /** Fills namespaced objects that carry no metadata.namespace, as `kubectl apply -n` does. */
  namespace: string;
  user: UserIdentity;
}

/**
 * The identity the API server would put in userInfo for this user: the given groups plus `system:authenticated`
 * (added to every authenticated request), and for a service account `system:serviceaccounts` and
 * `system:serviceaccounts:<namespace>`, so that group exemptions apply in CI as they do at admission.
 */
export function checkUser(username: string, groups: readonly string[]): UserIdentity {
  const all = [...groups];
  if (username.startsWith(SERVICE_ACCOUNT_PREFIX)) {
    const namespace = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(':')[0] ?? '';
    all.push('system:serviceaccounts', `system:serviceaccounts:${namespace}`);
  }
  all.push(AUTHENTICATED);
  return { username, groups: [...new Set(all)] };
}

export function defaultManifestOptions(): ManifestOptions {
  return { operation: 'CREATE', namespace: DEFAULT_CHECK_NAMESPACE, user: checkUser(DEFAULT_CHECK_USER, []) };
}

function metadataString(object: JsonObject, field: string): string {
  const metadata = object['metadata'];
  const value = isJsonObject(metadata) ? metadata[field] : undefined;
  return typeof value === 'string' ? value : '';
}

/**
 * The request kube-apiserver would send for this object. CREATE carries no oldObject. UPDATE carries none either:
 * a manifest does not say what is live, so UPDATE rules see an update from "nothing" (any NodePort Service counts as
 * turned into NodePort, any DaemonSet as a changed pod template, any allocating LoadBalancer as newly allocating), and
 * a labels exemption only needs the labels on the manifest. The object is passed through unchanged (no defaulting).
 */
export function fromManifest(object: JsonObject, location: SourceLocation, options: ManifestOptions): ResourceRequest {
  const apiVersion = typeof object['apiVersion'] === 'string' ? object['apiVersion'] : '';
  const kind = typeof object['kind'] === 'string' ? object['kind'] : '';
  // A DaemonSet of a retired version is judged as the apps/v1 one the API server would want instead (riskgate check says so).
  const resolved = resolveKind(retiredApiVersion(apiVersion, kind)?.current ?? apiVersion, kind);
  const namespace = resolved.namespaced ? metadataString(object, 'namespace') || options.namespace : '';
  return {
    source: 'manifest',
    uid: `${location.file}:${location.line}:${location.column ?? 1}`,
    operation: options.operation,
    group: resolved.group,
    version: resolved.version,
    resource: resolved.resource,
    subResource: '',
    kind,
    namespace,
    name: metadataString(object, 'name'),
    user: { username: options.user.username, groups: [...options.user.groups] },
    object,
    oldObject: null,
    // Nothing is persisted: the same footing as `kubectl apply --dry-run=server`.
    dryRun: true,
    sourceIPs: [],
    userAgent: '',
    location,
  };
}
