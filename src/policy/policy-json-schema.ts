// The policy file's JSON Schema (draft 2020-12), built from the rule catalog and the keys the policy reader accepts, for editors and `riskgate policy schema`.
import { ALL_EXEMPTIONS, METRIC_EXEMPTIONS, POLICY_API_VERSION, REQUEST_EXEMPTIONS } from '../engine/policy-file.js';
import { ACTIONS, METRIC_ACTIONS } from '../engine/policy.js';
import type { Rule } from '../rules/rule.js';

type Schema = Record<string, unknown>;

const RFC3339 = '^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})$';

const stringList = (description: string, pattern?: string): Schema => ({ type: 'array', description, items: { type: 'string', minLength: 1, ...(pattern ? { pattern } : {}) } });

const EXEMPTION_KEYS: Record<string, Schema> = {
  namespaces: stringList('namespace names or * patterns'),
  users: stringList('userInfo.username, or * patterns'),
  groups: stringList('any of userInfo.groups, or * patterns'),
  serviceAccounts: stringList('namespace:name (either half may use *)', '^[^:\\s]+:[^:\\s]+$'),
  labels: { type: 'object', description: 'labels the object must all carry with these values', additionalProperties: { type: ['string', 'number', 'boolean'] } },
  namespaceLabels: { type: 'object', description: "labels the request's Namespace must all carry with these values (set by whoever may label namespaces)", additionalProperties: { type: ['string', 'number', 'boolean'] } },
  clusters: stringList('metric rules: cluster names or * patterns'),
  nodes: stringList('metric rules: node names or * patterns'),
  workloads: stringList('metric rules: workload names or * patterns'),
};

/** One block (what it exempts, plus expires and reason), or a list of blocks. */
function exemptions(keys: readonly string[], description: string): Schema {
  const block: Schema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...Object.fromEntries(keys.map((key) => [key, EXEMPTION_KEYS[key]!])),
      expires: { type: 'string', pattern: RFC3339, description: 'RFC 3339 time after which the block no longer applies' },
      reason: { type: 'string', description: 'why the block exists (required with requireReason: true)' },
    },
  };
  return { description, anyOf: [{ type: 'null' }, block, { type: 'array', items: block }] };
}

function action(actions: readonly string[], description: string): Schema {
  return { enum: [...actions], description };
}

function ruleSchema(rule: Rule): Schema {
  const metric = rule.type === 'metric';
  const properties: Schema = {
    action: action(metric ? METRIC_ACTIONS : ACTIONS, metric ? 'record or off (a metric rule cannot deny or warn)' : 'deny, warn, record or off (absent: defaultAction)'),
    exemptions: exemptions(metric ? METRIC_EXEMPTIONS : REQUEST_EXEMPTIONS, 'exemptions of this rule'),
  };
  if (!metric) {
    const actionOf = action(ACTIONS, 'the action in namespaces matching this pattern');
    properties['namespaceActions'] = {
      description: 'namespace pattern → action, the first match wins (a list keeps the order where a mapping may not)',
      anyOf: [
        { type: 'object', additionalProperties: actionOf },
        { type: 'array', items: { type: 'object', minProperties: 1, maxProperties: 1, additionalProperties: actionOf } },
      ],
    };
  }
  return { description: `${rule.name}: ${rule.reason}`, anyOf: [{ type: 'null' }, { type: 'object', additionalProperties: false, properties }] };
}

/** The schema of a riskgate policy file for the given rules. */
export function policyJsonSchema(rules: readonly Rule[]): Schema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://riskgate.io/schemas/policy-v1.json',
    title: 'riskgate policy',
    description: 'What riskgate does with each rule\'s findings: deny, warn, record or off, with exemptions. riskgate policy validate FILE checks a file the way serve reads it.',
    type: ['object', 'null'],
    additionalProperties: false,
    properties: {
      apiVersion: { const: POLICY_API_VERSION },
      kind: { const: 'Policy' },
      defaultAction: action(ACTIONS, 'the action of every rule the file does not list (metric rules fall back to record for deny or warn)'),
      requireReason: { type: 'boolean', description: 'every exemption block must carry a reason' },
      exemptions: exemptions(ALL_EXEMPTIONS, 'exemptions applied to every rule before its own'),
      rules: { type: ['object', 'null'], additionalProperties: false, properties: Object.fromEntries(rules.map((rule) => [rule.id, ruleSchema(rule)])) },
    },
  };
}
