// savedsearches.conf stanzas: one per rule search (contentctl's detection template with the RBA action) and the denied-requests report.
import type { Rule } from '../rules/rule.js';
import type { ConfStanza, JsonLike } from './conf-file.js';
import { confJson } from './conf-file.js';
import { ESCU_PRODUCTS, howToImplementOf } from './escu-content.js';
import { detectionIdentity } from './escu-yaml.js';
import type { RuleSearch } from './to-spl.js';
import { DENIED_REQUESTS_NAME, deniedRequestsSearch } from './denied-requests-search.js';

/** Kill-chain phase of the MITRE techniques the rules cite, as ESCU maps them (T1204 → Installation). */
const KILL_CHAIN: Readonly<Record<string, string>> = { T1204: 'Installation' };

export const SCHEDULE = { cron: '0 * * * *', earliest: '-70m@m', latest: '-10m@m' } as const;

/** ESCU's mappings for an Anomaly detection of security_domain network: CIS 13, NIST DE.AE. */
export function mappingsOf(rule: Rule): { [key: string]: JsonLike } {
  const killChain = [...new Set(rule.risk.mitreAttack.flatMap((t) => (KILL_CHAIN[t] ? [KILL_CHAIN[t]] : [])))];
  return { cis20: ['CIS 13'], kill_chain_phases: killChain, mitre_attack: [...rule.risk.mitreAttack], nist: ['DE.AE'] };
}

function byJson(a: JsonLike, b: JsonLike): number {
  const x = confJson(a);
  const y = confJson(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `action.risk.param._risk`: risk objects then threat objects, each list sorted, keys sorted (contentctl). */
export function riskParam(rule: Rule): string {
  const risks = rule.risk.riskObjects
    .map((r) => ({ risk_object_field: r.field, risk_object_type: r.type, risk_score: r.score }))
    .sort(byJson);
  const threats = rule.risk.threatObjects
    .map((t) => ({ threat_object_field: t.field, threat_object_type: t.type }))
    .sort(byJson);
  return confJson([...risks, ...threats]);
}

function publishTime(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 1000;
}

export function detectionStanza(search: RuleSearch): ConfStanza {
  const { rule } = search;
  const { id, version, date } = detectionIdentity(rule);
  const stories = [...rule.risk.analyticStories];
  const mappings = mappingsOf(rule);
  const dataSource = rule.type === 'request' ? ['Kubernetes Audit'] : [];
  return {
    name: search.searchName,
    entries: [
      ['action.escu', '0'],
      ['action.escu.enabled', '1'],
      ['description', rule.description],
      ['action.escu.mappings', confJson(mappings)],
      ['action.escu.data_models', '[]'],
      ['action.escu.eli5', rule.description],
      ['action.escu.how_to_implement', howToImplementOf(rule)],
      ['action.escu.known_false_positives', 'Administrators and deployment pipelines doing this on purpose.'],
      ['action.escu.creation_date', date],
      ['action.escu.modification_date', date],
      ['action.escu.confidence', 'high'],
      ['action.escu.search_type', 'detection'],
      ['action.escu.product', confJson([...ESCU_PRODUCTS])],
      ['action.escu.providing_technologies', 'null'],
      ['action.escu.analytic_story', confJson(stories)],
      ['action.risk', '1'],
      ['action.risk.param._risk_message', rule.risk.message],
      ['action.risk.param._risk', riskParam(rule)],
      ['action.risk.param._risk_score', '0'],
      ['action.risk.param.verbose', '0'],
      ['cron_schedule', SCHEDULE.cron],
      ['dispatch.earliest_time', SCHEDULE.earliest],
      ['dispatch.latest_time', SCHEDULE.latest],
      ['action.correlationsearch.enabled', '1'],
      ['action.correlationsearch.detection_type', 'ebd'],
      ['action.correlationsearch.label', search.searchName],
      [
        'action.correlationsearch.annotations',
        confJson({ analytic_story: stories, ...mappings, data_source: dataSource, type: 'Anomaly', type_list: ['Anomaly'] }),
      ],
      ['action.correlationsearch.metadata', confJson({ deprecated: '0', detection_id: id, detection_version: String(version), publish_time: publishTime(date) })],
      ['schedule_window', 'auto'],
      ['alert.digest_mode', '1'],
      // The export is the policy in force: its active rules run (ESCU ships its own copies disabled).
      ['disabled', 'false'],
      ['enableSched', '1'],
      ['allow_skew', '100%'],
      ['counttype', 'number of events'],
      ['relation', 'greater than'],
      ['quantity', '0'],
      ['realtime_schedule', '0'],
      ['is_visible', 'false'],
      ['search', search.search],
    ],
  };
}

/** A visible report (no alert action) over the last 24 hours. */
export function deniedRequestsStanza(rules: readonly Rule[]): ConfStanza {
  return {
    name: DENIED_REQUESTS_NAME,
    entries: [
      ['description', 'Kubernetes requests the riskgate admission webhook denied (audit responseStatus.code=403 with riskgate decision=deny), with the rules that denied them.'],
      ['dispatch.earliest_time', '-24h@h'],
      ['dispatch.latest_time', 'now'],
      ['enableSched', '0'],
      ['disabled', 'false'],
      ['is_visible', 'true'],
      ['display.general.type', 'statistics'],
      ['request.ui_dispatch_view', 'search'],
      ['search', deniedRequestsSearch(rules)],
    ],
  };
}
