// The chart's values schema except the policy block (which chart-files.ts derives from the rule catalog); unknown keys are errors.
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const dnsLabel = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$' };
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const anyObject = { type: 'object' };
const anyList = { type: 'array' };
const secretKey = { type: 'string', minLength: 1, pattern: '^[-._a-zA-Z0-9]+$' };
const objectName = { type: 'string', pattern: '^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$' };
const duration = { type: 'string', pattern: '^(\\d+(ms|s|m|h|d))?$', description: 'e.g. 30d, 12h, 90m; empty: riskgate serve\'s default' };

/** A list of Kubernetes objects passed through as is; each needs the fields Kubernetes needs to tell them apart. */
function objectList(required: string[]): Json {
  return { type: 'array', items: { type: 'object', required, properties: Object.fromEntries(required.map((key) => [key, { type: 'string', minLength: 1 }])) } };
}

function strict(properties: Record<string, Json>, extra: Record<string, Json> = {}): Json {
  return { type: 'object', additionalProperties: false, properties, ...extra };
}

/** A key of an existing Secret or ConfigMap: {name, key}. */
function keyRef(defaultKey: string): Json {
  return strict({ name: objectName, key: { ...secretKey, description: `the key holding the file (default ${defaultKey})` } });
}

/** Splunk HEC delivery (serve --hec-*): url and the token Secret's name are required once enabled. */
function hecSchema(): Json {
  return strict(
    {
      enabled: { type: 'boolean' },
      url: { type: 'string', pattern: '^(https?://[^\\s]+)?$', description: 'HEC base URL, e.g. https://splunk.example.com:8088' },
      index: { type: 'string' },
      source: { type: 'string', minLength: 1 },
      ack: { type: 'boolean' },
      tokenSecret: keyRef('token'),
      caSecret: keyRef('ca.crt'),
      caConfigMap: keyRef('ca.crt'),
      spoolMaxMb: { type: 'integer', minimum: 1, maximum: 1048576 },
    },
    {
      if: { properties: { enabled: { const: true } }, required: ['enabled'] },
      then: {
        required: ['url', 'tokenSecret'],
        properties: { url: { minLength: 1 }, tokenSecret: { required: ['name'], properties: { name: { minLength: 1 } } } },
      },
    },
  );
}

/** The OTLP/HTTP metrics receiver (serve --otlp-port and the metric detectors' options). */
function otlpSchema(): Json {
  return strict({
    enabled: { type: 'boolean' },
    port: { type: 'integer', minimum: 1024, maximum: 65535 },
    sessionAffinity: { type: 'string', enum: ['ClientIP', 'None'] },
    baselineWindow: duration,
    warmup: duration,
    shells: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^[A-Za-z0-9._+-]+$' } },
    tokenSecret: keyRef('token'),
    clientCaConfigMap: keyRef('ca.crt'),
    insecure: { type: 'boolean', description: 'accept metrics from anyone who reaches the port (serve --otlp-insecure)' },
  });
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
      shutdownDelaySeconds: { type: 'integer', minimum: 0, maximum: 9 },
      extraArgs: { type: 'array', items: { type: 'string' } },
      extraEnv: objectList(['name']),
      extraVolumes: objectList(['name']),
      extraVolumeMounts: objectList(['name', 'mountPath']),
      containerPort: { type: 'integer', minimum: 1024, maximum: 65535 },
      service: strict({ port: { type: 'integer', minimum: 1, maximum: 65535 } }),
      webhook: strict({
        timeoutSeconds: { type: 'integer', minimum: 1, maximum: 30 },
        excludeNamespaces: { type: 'array', items: dnsLabel },
        matchConditions: { type: 'boolean', description: 'CEL matchCondition on the enforce entry (Kubernetes 1.28+)' },
        checkConfiguration: { type: 'boolean', description: 'serve --check-webhook-config: warn when the configuration does not carry a rule\'s action' },
        watchNamespaces: { type: 'boolean', description: 'serve --watch-namespaces: watch Namespaces for namespaceLabels exemptions (list and watch on namespaces)' },
      }),
      tls: strict({
        secretName: { type: 'string' },
        cert: { type: 'string' },
        key: { type: 'string' },
        ca: { type: 'string' },
        existingSecret: { type: 'string' },
        caBundle: { type: 'string' },
        keyType: { type: 'string', enum: ['ecdsa', 'rsa'], description: 'key of the certificates riskgate or cert-manager makes: ecdsa (P-256) or rsa (2048)' },
      }),
      certManager: strict({
        enabled: { type: 'boolean' },
        issuerRef: strict({ name: { type: 'string' }, kind: { type: 'string', enum: ['Issuer', 'ClusterIssuer'] }, group: { type: 'string' } }),
        duration: { type: 'string' },
        renewBefore: { type: 'string' },
        caDuration: { type: 'string' },
      }),
      dataDir: strict({
        sizeLimit: { type: 'string' },
        volume: { type: 'object', maxProperties: 1, description: 'a volume source (hostPath, ephemeral, ...) replacing the emptyDir; no name' },
      }),
      metrics: strict({ enabled: { type: 'boolean' }, port: { type: 'integer', minimum: 1024, maximum: 65535 } }),
      eventSink: strict({ enabled: { type: 'boolean' }, actions: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['deny', 'warn'] } } }),
      auditor: strict({
        enabled: { type: 'boolean' },
        port: { type: 'integer', minimum: 1024, maximum: 65535 },
        fleetView: { type: 'boolean', description: "the page and API show every replica's events (serve --auditor-peers-service)" },
        peerTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 60, description: 'serve --auditor-peer-timeout: how long the page waits for the other replicas' },
        audiences: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^\\S{1,253}$' }, description: "serve --auditor-audience: viewers' tokens must be valid for one of these (empty: the API server's own)" },
      }),
      audit: strict({
        interval: { type: 'string', pattern: '^$|^[0-9]+(s|m|h|d)$', description: 'serve --audit-interval, e.g. 1h; empty: no cluster audit' },
        maxResults: { type: 'integer', minimum: 1, description: 'results per PolicyReport at most (serve --audit-max-results)' },
      }),
      clientAuth: strict({
        enabled: { type: 'boolean', description: 'serve --client-ca/--client-cn: only a caller with a client certificate from caConfigMap may call the admission port' },
        caConfigMap: keyRef('ca.crt'),
        commonNames: { type: 'array', uniqueItems: true, items: { type: 'string', minLength: 1 }, description: 'serve --client-cn: the accepted names (CN); empty: any the CA signed' },
        healthPort: { type: 'integer', minimum: 1024, maximum: 65535, description: "serve --health-port: the kubelet's probes, plain HTTP" },
      }),
      networkPolicy: strict({
        enabled: { type: 'boolean' },
        controlPlaneCidrs: { type: 'array', items: { type: 'string', pattern: '^[0-9a-fA-F:.]+/[0-9]{1,3}$' }, description: 'the only sources admitted to the admission port' },
        extraIngress: anyList,
      }),
      hec: hecSchema(),
      otlp: otlpSchema(),
      vap: strict({
        enabled: { type: 'boolean', description: 'serve --vap: the deny rules as ValidatingAdmissionPolicies (Kubernetes 1.30+); the enforce webhook entry drops them' },
      }),
    },
  };
}
