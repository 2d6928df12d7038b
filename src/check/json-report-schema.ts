// JSON Schema (draft-07) of `riskgate check --output json` and `riskgate audit --output json`, version 1: the contract CI scripts may rely on; tests validate against it.
const stringField = { type: 'string' } as const;
const count = { type: 'integer', minimum: 0 } as const;

export const JSON_REPORT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://riskgate.io/schemas/check-report-v1.json',
  title: 'riskgate check report, version 1',
  type: 'object',
  required: ['version', 'tool', 'settings', 'exitCode', 'summary', 'rules', 'objects', 'errors'],
  properties: {
    version: { const: 1 },
    tool: { type: 'object', required: ['name', 'version'], properties: { name: { const: 'riskgate' }, version: stringField } },
    settings: {
      type: 'object',
      required: ['operation', 'user', 'policy', 'failOn'],
      properties: {
        operation: { enum: ['CREATE', 'UPDATE'] },
        namespace: stringField,
        user: {
          type: 'object',
          required: ['username', 'groups'],
          properties: { username: stringField, groups: { type: 'array', items: stringField } },
        },
        policy: stringField,
        failOn: { enum: ['deny', 'warn'] },
      },
    },
    audit: {
      type: 'object',
      required: ['cluster', 'server', 'namespaces'],
      properties: { cluster: stringField, server: stringField, namespaces: { type: 'array', items: stringField } },
    },
    exitCode: { enum: [0, 1, 2] },
    summary: {
      type: 'object',
      required: ['files', 'objects', 'denied', 'warned', 'recorded', 'exempted', 'passed', 'unknownKinds', 'errors'],
      properties: {
        files: count,
        namespaces: count,
        objects: count,
        denied: count,
        warned: count,
        recorded: count,
        exempted: count,
        passed: count,
        unknownKinds: count,
        errors: count,
      },
    },
    rules: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'action', 'escu'],
        properties: {
          id: stringField,
          name: stringField,
          action: { enum: ['deny', 'warn', 'record', 'off'] },
          escu: {
            type: 'object',
            required: ['id', 'name', 'version', 'url'],
            properties: { id: stringField, name: stringField, version: { type: 'integer' }, url: { type: 'string', format: 'uri' } },
          },
        },
      },
    },
    objects: {
      type: 'array',
      items: {
        type: 'object',
        required: ['apiVersion', 'kind', 'namespace', 'name', 'knownKind', 'outcome', 'findings'],
        // check: where in which file; audit: the live object.
        oneOf: [{ required: ['file', 'line', 'column'] }, { required: ['path', 'uid', 'resourceVersion'] }],
        properties: {
          file: stringField,
          line: { type: 'integer', minimum: 1 },
          column: { type: 'integer', minimum: 1 },
          path: stringField,
          uid: stringField,
          resourceVersion: stringField,
          apiVersion: stringField,
          kind: stringField,
          namespace: stringField,
          name: stringField,
          knownKind: { type: 'boolean' },
          outcome: { enum: ['deny', 'warn', 'record', 'exempt', 'pass'] },
          findings: {
            type: 'array',
            items: {
              type: 'object',
              required: ['rule', 'action', 'summary', 'message', 'riskScore'],
              properties: {
                rule: stringField,
                action: { enum: ['deny', 'warn', 'record', 'exempt'] },
                summary: stringField,
                message: stringField,
                exemption: stringField,
                riskScore: { type: 'number' },
              },
            },
          },
        },
      },
    },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code', 'file', 'message'],
        properties: {
          code: stringField,
          file: stringField,
          line: { type: 'integer', minimum: 1 },
          column: { type: 'integer', minimum: 1 },
          message: stringField,
        },
      },
    },
  },
} as const;
