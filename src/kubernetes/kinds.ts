// Kind → resource table: what the API server's REST mapper would say for a manifest's apiVersion and kind (built-in kinds only).

/** The resource a kind is served as, and whether its objects live in a namespace. */
export interface KindResource {
  group: string;
  resource: string;
  namespaced: boolean;
}

export interface ResolvedKind extends KindResource {
  version: string;
  /** false when the kind is not in the table: the resource is then kubectl's lower-case plural guess. */
  known: boolean;
}

type Row = readonly [kind: string, resource: string, namespaced: boolean];

/**
 * Built-in kinds by API group. Includes every kind riskgate has a rule for (Service, DaemonSet) and the common
 * built-ins, so the summary can tell a kind the API server knows from a custom resource. Not listed ⇒ `known: false`.
 */
const BUILT_IN: Readonly<Record<string, readonly Row[]>> = {
  '': [
    ['Service', 'services', true],
    ['Pod', 'pods', true],
    ['ConfigMap', 'configmaps', true],
    ['Secret', 'secrets', true],
    ['ServiceAccount', 'serviceaccounts', true],
    ['PersistentVolumeClaim', 'persistentvolumeclaims', true],
    ['Endpoints', 'endpoints', true],
    ['LimitRange', 'limitranges', true],
    ['ResourceQuota', 'resourcequotas', true],
    ['ReplicationController', 'replicationcontrollers', true],
    ['PodTemplate', 'podtemplates', true],
    ['Event', 'events', true],
    ['Namespace', 'namespaces', false],
    ['Node', 'nodes', false],
    ['PersistentVolume', 'persistentvolumes', false],
  ],
  apps: [
    ['DaemonSet', 'daemonsets', true],
    ['Deployment', 'deployments', true],
    ['StatefulSet', 'statefulsets', true],
    ['ReplicaSet', 'replicasets', true],
    ['ControllerRevision', 'controllerrevisions', true],
  ],
  batch: [
    ['Job', 'jobs', true],
    ['CronJob', 'cronjobs', true],
  ],
  autoscaling: [['HorizontalPodAutoscaler', 'horizontalpodautoscalers', true]],
  policy: [['PodDisruptionBudget', 'poddisruptionbudgets', true]],
  'networking.k8s.io': [
    ['Ingress', 'ingresses', true],
    ['NetworkPolicy', 'networkpolicies', true],
    ['IngressClass', 'ingressclasses', false],
  ],
  'discovery.k8s.io': [['EndpointSlice', 'endpointslices', true]],
  'rbac.authorization.k8s.io': [
    ['Role', 'roles', true],
    ['RoleBinding', 'rolebindings', true],
    ['ClusterRole', 'clusterroles', false],
    ['ClusterRoleBinding', 'clusterrolebindings', false],
  ],
  'storage.k8s.io': [
    ['StorageClass', 'storageclasses', false],
    ['CSIDriver', 'csidrivers', false],
    ['VolumeAttachment', 'volumeattachments', false],
  ],
  'scheduling.k8s.io': [['PriorityClass', 'priorityclasses', false]],
  'node.k8s.io': [['RuntimeClass', 'runtimeclasses', false]],
  'coordination.k8s.io': [['Lease', 'leases', true]],
  'apiextensions.k8s.io': [['CustomResourceDefinition', 'customresourcedefinitions', false]],
  'apiregistration.k8s.io': [['APIService', 'apiservices', false]],
  'admissionregistration.k8s.io': [
    ['ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false],
    ['MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false],
    ['ValidatingAdmissionPolicy', 'validatingadmissionpolicies', false],
    ['ValidatingAdmissionPolicyBinding', 'validatingadmissionpolicybindings', false],
  ],
  'certificates.k8s.io': [['CertificateSigningRequest', 'certificatesigningrequests', false]],
};

const TABLE: ReadonlyMap<string, KindResource> = new Map(
  Object.entries(BUILT_IN).flatMap(([group, rows]) => rows.map(([kind, resource, namespaced]) => [`${group}/${kind}`, { group, resource, namespaced }] as const)),
);

/** `apps/v1` → { group: 'apps', version: 'v1' }; `v1` → the core group ''. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** kubectl's fallback for kinds it cannot look up (UnsafeGuessKindToResource): lower-case plural. */
export function guessResource(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === '') return '';
  if (lower.endsWith('s')) return `${lower}es`;
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** The resource a manifest's apiVersion and kind are served as. Unknown kinds are assumed namespaced, as custom resources mostly are. */
export function resolveKind(apiVersion: string, kind: string): ResolvedKind {
  const { group, version } = splitApiVersion(apiVersion);
  const row = TABLE.get(`${group}/${kind}`);
  if (row) return { ...row, version, known: true };
  return { group, version, resource: guessResource(kind), namespaced: true, known: false };
}

/** The kind a built-in resource serves (`apps`, `daemonsets` → DaemonSet), or undefined for a resource not in the table. */
export function kindOfResource(group: string, resource: string): { kind: string; namespaced: boolean } | undefined {
  for (const [key, value] of TABLE) {
    if (value.group === group && value.resource === resource) return { kind: key.slice(key.indexOf('/') + 1), namespaced: value.namespaced };
  }
  return undefined;
}

/** Every known kind, for tests and docs. */
export function knownKinds(): Array<{ group: string; kind: string } & KindResource> {
  return [...TABLE.entries()].map(([key, value]) => ({ ...value, kind: key.slice(key.indexOf('/') + 1) }));
}
