// Derives the chart's generated files: files/rules.json (webhook rules per rule) and values.schema.json from the rule catalog, crds/ from the PolicyReport CRDs.
import type { Rule } from '../rules/rule.js';
import { matchConditionCel } from '../cel/rule-cel.js';
import { ACTIONS, METRIC_ACTIONS } from '../engine/policy.js';
import { ALL_EXEMPTIONS, METRIC_EXEMPTIONS, REQUEST_EXEMPTIONS } from '../engine/policy-file.js';
import { policyReportCrdFiles } from './policy-report-crds.js';
import { valuesSchemaSkeleton } from './values-schema.js';

/** One request rule in the vocabulary of a ValidatingWebhookConfiguration rule, with its matchCondition expression. */
export interface ChartRule {
  id: string;
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  operations: string[];
  /** CEL true for every request the rule can find (src/cel/rule-cel.ts); the chart ORs those of the deny rules. */
  matchCondition: string;
  /** Whether matchCondition is true for exactly those requests (false: for more of them, never fewer). */
  matchConditionExact: boolean;
}

export const GENERATED_NOTE = 'Generated from src/rules/catalog.ts by `bash tools/generate-chart.sh`; do not edit (a test regenerates and compares).';

export const CRD_NOTE = 'Generated from src/cluster/policy-report-crds.ts by `bash tools/generate-chart.sh`; do not edit (a test regenerates and compares).';

/** Every request rule with its webhook match and matchCondition; metric rules have none (they never reach the webhook). */
export function chartRules(rules: readonly Rule[]): ChartRule[] {
  return rules.flatMap((rule) => {
    if (rule.type !== 'request') return [];
    const { apiGroups, apiVersions, resources, operations } = rule.match;
    const cel = matchConditionCel(rule);
    return [{ id: rule.id, apiGroups: [...apiGroups], apiVersions: [...apiVersions], resources: [...resources], operations: [...operations], matchCondition: cel.cel.text, matchConditionExact: cel.exact }];
  });
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function stringList(): Json {
  return { type: 'array', items: { type: 'string', minLength: 1 } };
}

/** RFC 3339 with a zone, as src/engine/exemption-blocks.ts reads `expires` (the policy file checks the date itself). */
const RFC3339 = '^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})$';

/** One exemption block, or a list of them; each may end (`expires`) and give its `reason`. */
function exemptionsSchema(keys: readonly string[]): Json {
  const properties: Record<string, Json> = {};
  for (const key of keys) {
    if (key === 'labels' || key === 'namespaceLabels') properties[key] = { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } };
    else if (key === 'serviceAccounts') properties[key] = { type: 'array', items: { type: 'string', pattern: '^[^:\\s]+:[^:\\s]+$' } };
    else properties[key] = stringList();
  }
  properties['expires'] = { type: 'string', pattern: RFC3339, description: 'RFC 3339 time the block stops applying, e.g. 2026-12-01T00:00:00Z (quote it)' };
  properties['reason'] = { type: 'string', minLength: 1 };
  const block: Json = { type: 'object', additionalProperties: false, properties };
  return { oneOf: [block, { type: 'array', items: block }] };
}

/**
 * Namespace patterns of namespaceActions: namespace names (lowercase letters, digits, -) with `*`, so that the chart's
 * template writes their CEL without escaping. A mapping is read in key order (Helm sorts keys); a list of one-key
 * mappings keeps its order, for patterns that overlap (first match wins).
 */
function namespaceActionsSchema(): Json {
  const entries = { type: 'object', propertyNames: { pattern: '^[a-z0-9*-]+$' }, additionalProperties: actionSchema(ACTIONS) };
  return { oneOf: [entries, { type: 'array', items: { ...entries, minProperties: 1, maxProperties: 1 } }] };
}

/**
 * An action name. Helm reads values as YAML 1.1, where an unquoted `off` is the boolean false: the schema accepts false
 * and the templates write it as "off" (any other boolean is an error).
 */
function actionSchema(actions: readonly string[]): Json {
  return { enum: [...actions, false], description: `one of ${actions.join(', ')} (an unquoted off reads as false and means off)` };
}

function rulePolicySchema(rule: Rule): Json {
  const metric = rule.type === 'metric';
  return {
    type: 'object',
    description: `${rule.name} (${metric ? 'metric rule: record or off' : 'request rule'})`,
    additionalProperties: false,
    properties: {
      action: actionSchema(metric ? METRIC_ACTIONS : ACTIONS),
      ...(metric ? {} : { namespaceActions: namespaceActionsSchema() }),
      exemptions: exemptionsSchema(metric ? METRIC_EXEMPTIONS : REQUEST_EXEMPTIONS),
    },
  };
}

/** The `policy` block of the values: the policy file's shape, with one property per catalog rule and nothing else. */
export function policyValuesSchema(rules: readonly Rule[]): Json {
  const ruleProperties: Record<string, Json> = {};
  for (const rule of rules) ruleProperties[rule.id] = rulePolicySchema(rule);
  return {
    type: 'object',
    description: 'The riskgate policy (rendered into the policy ConfigMap and read by `riskgate serve --policy`).',
    additionalProperties: false,
    properties: {
      defaultAction: actionSchema(ACTIONS),
      requireReason: { type: 'boolean', description: 'every exemption block must give a reason' },
      exemptions: { anyOf: [{ type: 'null' }, exemptionsSchema(ALL_EXEMPTIONS)] },
      rules: { type: 'object', additionalProperties: false, properties: ruleProperties },
    },
  };
}

export function valuesSchema(rules: readonly Rule[]): Json {
  const skeleton = valuesSchemaSkeleton() as { properties: Record<string, Json> } & Record<string, Json>;
  return { $comment: GENERATED_NOTE, ...skeleton, properties: { ...skeleton.properties, policy: policyValuesSchema(rules) } };
}

/** The generated files, by path inside charts/riskgate, as the text to write. */
export function chartFiles(rules: readonly Rule[]): Record<string, string> {
  return {
    'files/rules.json': `${JSON.stringify({ $comment: GENERATED_NOTE, rules: chartRules(rules) }, null, 2)}\n`,
    'values.schema.json': `${JSON.stringify(valuesSchema(rules), null, 2)}\n`,
    ...Object.fromEntries(Object.entries(policyReportCrdFiles(CRD_NOTE)).map(([file, text]) => [`crds/${file}`, text])),
  };
}
