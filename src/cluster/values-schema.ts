// The chart's values schema except the policy block (which chart-files.ts derives from the rule catalog); unknown keys are errors.
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const dnsLabel = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$' };
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const anyObject = { type: 'object' };
const anyList = { type: 'array' };

function strict(properties: Record<string, Json>, extra: Record<string, Json> = {}): Json {
  return { type: 'object', additionalProperties: false, properties, ...extra };
}

export function valuesSchemaSkeleton(): Json {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'riskgate chart values',
    type: 'object',
    additionalProperties: false,
    properties: {
      nameOverride: { type: 'string' },
      fullnameOverride: { type: 'string' },
      replicaCount: { type: 'integer', minimum: 2, description: 'At least 2: one replica down must not stop admission.' },
      image: strict({
        repository: { type: 'string', minLength: 1 },
        tag: { type: 'string' },
        digest: { type: 'string', pattern: '^(sha256:[a-f0-9]{64})?$' },
        pullPolicy: { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'] },
      }),
      imagePullSecrets: anyList,
      podAntiAffinity: { type: 'string', enum: ['soft', 'hard'] },
      resources: anyObject,
      podDisruptionBudget: strict({ minAvailable: { type: ['integer', 'string'] } }),
      nodeSelector: stringMap,
      tolerations: anyList,
      priorityClassName: { type: 'string' },
      podAnnotations: stringMap,
      podLabels: stringMap,
      logLevel: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] },
      extraArgs: { type: 'array', items: { type: 'string' } },
      containerPort: { type: 'integer', minimum: 1024, maximum: 65535 },
      service: strict({ port: { type: 'integer', minimum: 1, maximum: 65535 } }),
      webhook: strict({
        timeoutSeconds: { type: 'integer', minimum: 1, maximum: 30 },
        excludeNamespaces: { type: 'array', items: dnsLabel },
      }),
      tls: strict({
        secretName: { type: 'string' },
        cert: { type: 'string' },
        key: { type: 'string' },
        ca: { type: 'string' },
        existingSecret: { type: 'string' },
        caBundle: { type: 'string' },
      }),
      certManager: strict({
        enabled: { type: 'boolean' },
        issuerRef: strict({ name: { type: 'string' }, kind: { type: 'string', enum: ['Issuer', 'ClusterIssuer'] }, group: { type: 'string' } }),
        duration: { type: 'string' },
        renewBefore: { type: 'string' },
        caDuration: { type: 'string' },
      }),
      dataDir: strict({ sizeLimit: { type: 'string' } }),
      metrics: strict({ enabled: { type: 'boolean' }, port: { type: 'integer', minimum: 1024, maximum: 65535 } }),
      eventSink: strict({ enabled: { type: 'boolean' }, actions: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['deny', 'warn'] } } }),
      auditor: strict({ enabled: { type: 'boolean' }, port: { type: 'integer', minimum: 1024, maximum: 65535 } }),
    },
  };
}
