// The SPL writer: renders each active rule's search from its data (request rules: planned here; metric rules: the mstats writer).
import type { Policy } from '../engine/policy.js';
import { isActive } from '../engine/policy.js';
import type { ConnectParameterType } from '../kubernetes/audit-event.js';
import type { MetricRule, RequestRule, Rule } from '../rules/rule.js';
import { searchName } from '../rules/search-name.js';
import { verdictStage } from './admission-verdict-spl.js';
import { evalOf } from './condition-spl.js';
import { keptAssignments } from './kept-path.js';
import type { DerivedField, SearchPlan } from './search-plan.js';
import { AUDIT_INDEX_MACRO, planSearch } from './search-plan.js';
import { evalField, evalString } from './spl-literal.js';

/**
 * Writes a metric rule's mstats search under the policy. The metric searches belong to src/spl/metric-spl.ts
 * (issue 7, `metricSearch`); the CLI passes that writer in, and metric rules are left out (reported as skipped)
 * when none is given.
 */
export type MetricSearchWriter = (rule: MetricRule, policy: Policy) => string;

export interface RuleSearch {
  rule: Rule;
  searchName: string;
  search: string;
  /** The plan of a request rule's search (what replay emulates); absent for metric rules. */
  plan?: SearchPlan;
}

export interface SplExport {
  searches: RuleSearch[];
  /** Rules with an action but no search, and why. */
  skipped: Array<{ rule: Rule; reason: string }>;
}

function decodeExpression(field: string): string {
  // Go encodes query values with `+` for spaces; urldecode only reads %XX.
  return `urldecode(replace(${field}, "[+]", " "))`;
}

function rexOf(name: string, type: ConnectParameterType): string {
  const many = type === 'list' ? ' max_match=0' : '';
  return `rex field=requestURI${many} ${evalString(`[?&]${name}=(?<${name}>[^&]*)`)}`;
}

/** Reads the parameter as the API server does (see CONNECT_PARAMETERS). */
function connectEval(name: string, type: ConnectParameterType): string {
  if (type === 'list') return `${name}=mvmap(${name}, ${decodeExpression(name)})`;
  if (type === 'string') return `${name}=${decodeExpression(name)}`;
  return `${name}=if(isnull(${name}), "false", if(match(${name}, "^(?i)(0|false)$"), "false", "true"))`;
}

function rowEval(field: Extract<DerivedField, { kind: 'row' }>): string {
  const source = evalField(field.source);
  return `${evalField(field.name)}=${field.join !== undefined ? `mvjoin(${source}, ${evalString(field.join)})` : source}`;
}

/** The search text of a plan, one line, stages joined by ` | ` as in ESCU's v4 YAML. */
export function renderSearch(plan: SearchPlan): string {
  const stages: string[] = [[`\`${AUDIT_INDEX_MACRO}\``, ...plan.baseTerms].join(' ')];
  const connect = plan.connectParameters.filter((f): f is Extract<DerivedField, { kind: 'connect-parameter' }> => f.kind === 'connect-parameter');
  for (const p of connect) stages.push(rexOf(p.name, p.type));
  if (connect.length > 0) stages.push(`eval ${connect.map((p) => connectEval(p.name, p.type)).join(', ')}`);
  if (plan.admissionVerdict) stages.push(verdictStage(plan.admissionVerdict));
  if (plan.keptPaths.length > 0) stages.push(`eval ${keptAssignments(plan.keptPaths).map((a) => `${a.name}=${a.eval}`).join(', ')}`);
  if (plan.where.length > 0) stages.push(`where ${plan.where.map(evalOf).join(' AND ')}`);
  const rows = plan.rowFields.filter((f): f is Extract<DerivedField, { kind: 'row' }> => f.kind === 'row');
  if (rows.length > 0) stages.push(`eval ${rows.map(rowEval).join(', ')}`);
  stages.push(plan.fillnull === 'all' ? 'fillnull' : `fillnull value=0 ${plan.fillnull.join(' ')}`);
  stages.push(`stats count values(user.groups{}) as user_groups by ${plan.byFields.join(' ')}`);
  if (plan.renames.length > 0) stages.push(`rename ${plan.renames.map((r) => `${r.from} as ${r.to}`).join(', ')}`);
  stages.push(`\`${plan.filterMacro}\``);
  return stages.join(' | ');
}

/** Rules whose action is not `off` in some namespace, in catalog order. */
export function activeRules(rules: readonly Rule[], policy: Policy): Rule[] {
  return rules.filter((r) => isActive(policy, r.id));
}

export function requestRuleSearch(rule: RequestRule, policy: Policy): RuleSearch {
  const plan = planSearch(rule, policy);
  return { rule, searchName: searchName(rule), search: renderSearch(plan), plan };
}

/** The searches of every active rule; `off` rules are left out. */
export function toSpl(rules: readonly Rule[], policy: Policy, metricSearch?: MetricSearchWriter): SplExport {
  const out: SplExport = { searches: [], skipped: [] };
  for (const rule of activeRules(rules, policy)) {
    if (rule.type === 'request') out.searches.push(requestRuleSearch(rule, policy));
    else if (metricSearch) out.searches.push({ rule, searchName: searchName(rule), search: metricSearch(rule, policy) });
    else out.skipped.push({ rule, reason: 'metric rule: no mstats writer (src/spl/metric-spl.ts) is available' });
  }
  return out;
}
