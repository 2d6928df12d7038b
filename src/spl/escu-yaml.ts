// ESCU detection YAML (contentctl v5 format: rba block, tags, tests) for each rule search, as file name and text.
import { stringify } from 'yaml';
import type { Rule } from '../rules/rule.js';
import type { RuleSearch } from './to-spl.js';
import { ESCU_PRODUCTS, EXTENSION_CONTENT, KUBERNETES_AUDIT_REFERENCE, SEED_TEST_DATA, howToImplementOf } from './escu-content.js';
import { ruleUuid } from './rule-uuid.js';

export interface GeneratedFile {
  /** Path relative to the output directory, `/`-separated. */
  path: string;
  content: string;
}

/** The detection's name: ESCU's for seeds (so Splunk merges their risk events), the rule's otherwise. */
export function detectionName(rule: Rule): string {
  return rule.escu.isSeed ? rule.escu.name : rule.name;
}

/** contentctl's file name: the name lower-cased, every run of other characters as `_`. */
export function detectionFileName(rule: Rule): string {
  return `${detectionName(rule).toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')}.yml`;
}

/** id, version and date: ESCU's for seed rules; a UUIDv5 of the rule id and riskgate's content version otherwise. */
export function detectionIdentity(rule: Rule): { id: string; version: number; date: string } {
  if (rule.escu.isSeed) return { id: rule.escu.id, version: rule.escu.version, date: rule.escu.date };
  return { id: ruleUuid(rule.id), ...EXTENSION_CONTENT };
}

function drilldowns(field: string): Array<Record<string, string>> {
  return [
    {
      name: `View the detection results for - "$${field}$"`,
      search: `%original_detection_search% | search  ${field} = "$${field}$"`,
      earliest_offset: '$info_min_time$',
      latest_offset: '$info_max_time$',
    },
    {
      name: `View risk events for the last 7 days for - "$${field}$"`,
      search:
        `| from datamodel Risk.All_Risk | search normalized_risk_object IN ("$${field}$") starthoursago=168  | stats count min(_time) as firstTime max(_time) as lastTime ` +
        'values(search_name) as "Search Name" values(risk_message) as "Risk Message" values(analyticstories) as "Analytic Stories" ' +
        'values(annotations._all) as "Annotations" values(annotations.mitre_attack.mitre_tactic) as "ATT&CK Tactics" by normalized_risk_object ' +
        '| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)`',
      earliest_offset: '$info_min_time$',
      latest_offset: '$info_max_time$',
    },
  ];
}

function testsOf(rule: Rule): Array<Record<string, unknown>> {
  const data = rule.escu.isSeed ? SEED_TEST_DATA[rule.escu.id] : undefined;
  if (!data) return [];
  return [{ name: 'True Positive Test', attack_data: [{ data, sourcetype: '_json', source: 'kubernetes' }] }];
}

/** The detection as the plain object contentctl reads (key order as in security_content). */
export function escuDetection(search: RuleSearch): Record<string, unknown> {
  const { rule } = search;
  const isAudit = rule.type === 'request';
  return {
    name: detectionName(rule),
    ...detectionIdentity(rule),
    author: rule.escu.isSeed ? `riskgate export of ESCU ${rule.escu.name} (${rule.escu.url})` : `riskgate (rule ${rule.id}, extends ESCU ${rule.escu.name})`,
    // ESCU ships the audit seeds as production and the metric ones as experimental; riskgate's own rules are experimental.
    status: rule.escu.isSeed && isAudit ? 'production' : 'experimental',
    type: 'Anomaly',
    description: rule.description,
    data_source: isAudit ? ['Kubernetes Audit'] : [],
    search: search.search,
    how_to_implement: howToImplementOf(rule),
    known_false_positives: 'Administrators and deployment pipelines doing this on purpose; exempt them in the riskgate policy and export again.',
    references: [rule.escu.url, ...(isAudit ? [KUBERNETES_AUDIT_REFERENCE] : [])],
    drilldown_searches: drilldowns(rule.risk.riskObjects[0]?.field ?? 'user'),
    rba: {
      message: rule.risk.message,
      risk_objects: rule.risk.riskObjects.map((r) => ({ field: r.field, type: r.type, score: r.score })),
      threat_objects: rule.risk.threatObjects.map((t) => ({ field: t.field, type: t.type })),
    },
    tags: {
      analytic_story: [...rule.risk.analyticStories],
      asset_type: 'Kubernetes',
      mitre_attack_id: [...rule.risk.mitreAttack],
      product: [...ESCU_PRODUCTS],
      security_domain: 'network',
    },
    tests: testsOf(rule),
  };
}

/** One YAML file per rule search, named like contentctl's detection files. */
export function escuYamlFiles(searches: readonly RuleSearch[]): GeneratedFile[] {
  return searches.map((s) => ({
    path: detectionFileName(s.rule),
    content: stringify(escuDetection(s), { lineWidth: 0, blockQuote: 'literal' }),
  }));
}
