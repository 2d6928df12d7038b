// The wg-policy PolicyReport and ClusterPolicyReport CRDs (wgpolicyk8s.io/v1alpha2) the chart installs from crds/ where a cluster has none.
import { stringify } from 'yaml';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const text = (description: string): Json => ({ type: 'string', description });

/** A core/v1 ObjectReference: the object a result or a report is about. */
function objectReference(description: string): Json {
  return {
    type: 'object',
    description,
    properties: {
      apiVersion: text('API version of the object'),
      kind: text('kind of the object'),
      namespace: text('namespace of the object (none for cluster-scoped kinds)'),
      name: text('name of the object'),
      uid: text('metadata.uid of the object'),
      resourceVersion: text('resourceVersion of the object, when the reference is to one version of it'),
      fieldPath: text('a part of the object, e.g. spec.containers[2]'),
    },
  };
}

/** A metav1.LabelSelector. */
function labelSelector(description: string): Json {
  return {
    type: 'object',
    description,
    properties: {
      matchLabels: { type: 'object', additionalProperties: { type: 'string' }, description: 'labels that must all be present with these values' },
      matchExpressions: {
        type: 'array',
        description: 'requirements that must all hold',
        items: {
          type: 'object',
          required: ['key', 'operator'],
          properties: {
            key: text('label key'),
            operator: text('In, NotIn, Exists or DoesNotExist'),
            values: { type: 'array', items: { type: 'string' }, description: 'values for In and NotIn' },
          },
        },
      },
    },
  };
}

const RESULT: Json = {
  type: 'object',
  description: 'the outcome of one rule of one policy, for the objects named in resources (or the report scope)',
  required: ['policy'],
  properties: {
    source: text('the engine that produced the result, e.g. riskgate'),
    policy: text('name of the policy'),
    rule: text('name of the rule within the policy'),
    category: text('category of the policy'),
    severity: { type: 'string', enum: ['critical', 'high', 'low', 'medium', 'info'], description: 'how pressing the result is' },
    timestamp: {
      type: 'object',
      description: 'when the result was found',
      required: ['nanos', 'seconds'],
      properties: {
        seconds: { type: 'integer', format: 'int64', description: 'seconds since the Unix epoch (UTC)' },
        nanos: { type: 'integer', format: 'int32', description: 'fraction of the second in nanoseconds, 0 to 999999999' },
      },
    },
    result: {
      type: 'string',
      enum: ['pass', 'fail', 'warn', 'error', 'skip'],
      description: 'pass: requirements met; fail: not met; warn: not met, rule not scored; error: could not be evaluated; skip: not applied',
    },
    scored: { type: 'boolean', description: 'whether the rule counts toward a verdict' },
    resources: { type: 'array', description: 'the checked objects', items: objectReference('one checked object') },
    resourceSelector: labelSelector('the checked objects by label, instead of resources'),
    message: text('a short description of the result'),
    properties: { type: 'object', additionalProperties: { type: 'string' }, description: 'more about the result, as strings' },
  },
};

const SUMMARY: Json = {
  type: 'object',
  description: 'how many results of each kind the report counts',
  properties: Object.fromEntries(['pass', 'fail', 'warn', 'error', 'skip'].map((k) => [k, { type: 'integer', description: `results that are ${k}` }])),
};

function reportSchema(kind: string): Json {
  return {
    type: 'object',
    description: `${kind}: results of policy checks`,
    properties: {
      apiVersion: text('the versioned schema of this object'),
      kind: text('the REST resource this object is'),
      metadata: { type: 'object' },
      scope: objectReference('the one object the report is about, if it is about one'),
      scopeSelector: labelSelector('the objects the report is about, by label (not with scope)'),
      summary: SUMMARY,
      results: { type: 'array', description: 'the results', items: RESULT },
    },
  };
}

const COLUMNS: Json = [
  { name: 'Kind', type: 'string', jsonPath: '.scope.kind', priority: 1 },
  { name: 'Name', type: 'string', jsonPath: '.scope.name', priority: 1 },
  ...['Pass', 'Fail', 'Warn', 'Error', 'Skip'].map((c) => ({ name: c, type: 'integer', jsonPath: `.summary.${c.toLowerCase()}` })),
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

export interface PolicyReportCrd {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations: Record<string, string> };
  spec: {
    group: string;
    names: Record<string, string | string[]>;
    scope: string;
    versions: Array<{ name: string; served: boolean; storage: boolean; additionalPrinterColumns: Json; schema: { openAPIV3Schema: Json }; subresources: Json }>;
  };
}

function crd(kind: 'PolicyReport' | 'ClusterPolicyReport', plural: string, shortName: string, scope: 'Namespaced' | 'Cluster'): PolicyReportCrd {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.wgpolicyk8s.io`, annotations: { 'riskgate.io/written-from': 'the wg-policy API definition, wgpolicyk8s.io/v1alpha2 (kubernetes-sigs/wg-policy-prototypes)' } },
    spec: {
      group: 'wgpolicyk8s.io',
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(), shortNames: [shortName] },
      scope,
      versions: [{ name: 'v1alpha2', served: true, storage: true, additionalPrinterColumns: COLUMNS, schema: { openAPIV3Schema: reportSchema(kind) }, subresources: {} }],
    },
  };
}

export const POLICY_REPORT_CRDS: Record<string, PolicyReportCrd> = {
  'wgpolicyk8s.io_policyreports.yaml': crd('PolicyReport', 'policyreports', 'polr', 'Namespaced'),
  'wgpolicyk8s.io_clusterpolicyreports.yaml': crd('ClusterPolicyReport', 'clusterpolicyreports', 'cpolr', 'Cluster'),
};

/** The CRD files of charts/riskgate/crds/, by file name, as YAML text. */
export function policyReportCrdFiles(note: string): Record<string, string> {
  return Object.fromEntries(Object.entries(POLICY_REPORT_CRDS).map(([file, object]) => [file, `# ${note}\n${stringify(object, { lineWidth: 0 })}`]));
}
