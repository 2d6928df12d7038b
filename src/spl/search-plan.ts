// Plans a request rule's audit search from its data (match, condition, row fields, RBA fields) and the policy; to-spl renders it, replay emulates it.
import type { Policy } from '../engine/policy.js';
import { CONNECT_PARAMETERS } from '../kubernetes/audit-event.js';
import type { ConnectParameterType } from '../kubernetes/audit-event.js';
import type { Condition, RequestRule } from '../rules/rule.js';
import { filterMacroName } from '../rules/search-name.js';
import type { AdmissionVerdict } from './admission-verdict-spl.js';
import { VERDICT_LEAF, admissionVerdictOf } from './admission-verdict-spl.js';
import { auditFieldOf, isConnectRule, readsStoredResult } from './audit-field.js';
import type { Compiled, SplExpr } from './condition-spl.js';
import { compileCondition, keptPathsOf, requiredOf, splitConjuncts } from './condition-spl.js';
import { exemptionTerms } from './exemption-spl.js';
import { expiringExemptionClauses } from './expiring-exemption-spl.js';
import type { KeptPath } from './kept-path.js';
import { namespaceActionTerms } from './namespace-action-spl.js';
import { searchTermIn } from './spl-literal.js';

/** A field the search computes before `stats`: an exec/attach query parameter, or a rule's row field. */
export type DerivedField =
  | { kind: 'connect-parameter'; name: string; type: ConnectParameterType }
  | { kind: 'row'; name: string; source: string; join?: string };

export interface Rename {
  from: string;
  to: string;
}

export interface SearchPlan {
  rule: RequestRule;
  /** Base search after the index macro: resource, verb, condition terms, exemption clauses. */
  baseTerms: string[];
  /** Fields computed from the raw event, in order (rex/eval before the where clause). */
  connectParameters: DerivedField[];
  /** For rules that judge updates: riskgate's live verdict on the event, read by a `foreach` before the where clause. */
  admissionVerdict?: AdmissionVerdict;
  /** The kept flags the where clause reads (an `eval` before it: see kept-path.ts). */
  keptPaths: KeptPath[];
  /** Conjuncts of the condition that need eval. */
  where: SplExpr[];
  /** Row fields computed after the where clause. */
  rowFields: DerivedField[];
  /**
   * `all`: ESCU's bare `| fillnull` (only fields seen in some result are filled: see the README); a list: the
   * explicit `| fillnull value=0 <fields>` of riskgate's own searches, which creates missing fields.
   */
  fillnull: 'all' | string[];
  byFields: string[];
  renames: Rename[];
  filterMacro: string;
}

export const AUDIT_INDEX_MACRO = 'kube_audit';

/** BY fields of every ESCU Kubernetes audit search (ASCII order, as ESCU lists them). */
const COMMON_BY_FIELDS = [
  'kind',
  'objectRef.name',
  'objectRef.namespace',
  'objectRef.resource',
  'responseStatus.code',
  'sourceIPs{}',
  'stage',
  'user.username',
  'userAgent',
  'verb',
];

/** Result-row fields of a finding (src/engine/evaluate.ts requestFields) and the audit fields holding them. */
const FINDING_FIELD_SOURCES: Readonly<Record<string, string>> = {
  user: 'user.username',
  src_ip: 'sourceIPs{}',
  namespace: 'objectRef.namespace',
  name: 'objectRef.name',
  user_agent: 'userAgent',
};

/** Audit verbs of each admission operation (CONNECT: kubectl exec's WebSocket GET and SPDY POST). */
const VERBS: Readonly<Record<string, string[]>> = {
  CREATE: ['create'],
  UPDATE: ['update', 'patch'],
  DELETE: ['delete', 'deletecollection'],
  CONNECT: ['create', 'get'],
};

function asciiSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `"objectRef.resource"=services` (quoted like ESCU's), plus the subresource term. */
function resourceTerms(rule: RequestRule): string[] {
  const byBase = new Map<string, string[]>();
  for (const key of rule.match.resources) {
    const [base, sub = ''] = key.split('/') as [string, string?];
    byBase.set(base, [...(byBase.get(base) ?? []), sub]);
  }
  const subsOf = [...byBase.values()].map((subs) => asciiSorted(subs).join(','));
  const uniform = subsOf.every((s) => s === subsOf[0]);
  const termsFor = (bases: string[], subs: string[]): string[] => {
    const resource = `"objectRef.resource"${bases.length === 1 ? `=${bases[0]}` : ` IN (${bases.join(', ')})`}`;
    const named = subs.filter((s) => s !== '');
    if (named.length === 0) {
      // ESCU's create searches leave subresources open; an update of services/status must not count as the Service's.
      const mutatesExisting = rule.match.operations.some((op) => op === 'UPDATE' || op === 'DELETE');
      return mutatesExisting ? [resource, 'NOT objectRef.subresource=*'] : [resource];
    }
    return [resource, searchTermIn('objectRef.subresource', named)];
  };
  if (uniform) return termsFor([...byBase.keys()], [...byBase.values()][0] ?? ['']);
  const groups = [...byBase.entries()].map(([base, subs]) => `(${termsFor([base], subs).join(' ')})`);
  return [`(${groups.join(' OR ')})`];
}

function verbTerm(rule: RequestRule): string {
  const verbs = [...new Set(rule.match.operations.flatMap((op) => VERBS[op] ?? []))];
  return searchTermIn('verb', verbs);
}

/** Every field path the condition reads. */
function conditionPaths(condition: Condition | undefined): string[] {
  if (!condition) return [];
  if ('allOf' in condition) return condition.allOf.flatMap(conditionPaths);
  if ('anyOf' in condition) return condition.anyOf.flatMap(conditionPaths);
  if ('not' in condition) return conditionPaths(condition.not);
  return [condition.field];
}

function connectParametersOf(rule: RequestRule): DerivedField[] {
  if (!isConnectRule(rule)) return [];
  const paths = [...conditionPaths(rule.condition), ...(rule.rowFields ?? []).map((r) => r.path)];
  const names = new Set<string>();
  for (const path of paths) {
    const field = auditFieldOf(rule, path);
    if ((field.kind === 'field' || field.kind === 'indexed') && field.field in CONNECT_PARAMETERS) names.add(field.field);
  }
  return [...names].map((name) => ({ kind: 'connect-parameter', name, type: CONNECT_PARAMETERS[name]! }));
}

function rowFieldsOf(rule: RequestRule): DerivedField[] {
  return (rule.rowFields ?? []).flatMap((row): DerivedField[] => {
    const field = auditFieldOf(rule, row.path);
    if (field.kind !== 'field') return [];
    if (field.field === row.name && row.join === undefined) return [];
    return [{ kind: 'row', name: row.name, source: field.field, ...(row.join !== undefined ? { join: row.join } : {}) }];
  });
}

/** Fields named by the rule's RBA block and message: the search must produce them (contentctl validates this). */
function rbaFields(rule: RequestRule): string[] {
  const tokens = [...rule.risk.message.matchAll(/\$([A-Za-z0-9_.]+)\$/g)].map((m) => m[1]!);
  return [...rule.risk.riskObjects.map((r) => r.field), ...rule.risk.threatObjects.map((t) => t.field), ...tokens];
}

function renamesOf(rule: RequestRule, byFields: string[]): Rename[] {
  const wanted = new Set(rbaFields(rule));
  const renames: Rename[] = [];
  for (const from of byFields) {
    const to = Object.entries(FINDING_FIELD_SOURCES).find(([name, source]) => source === from && wanted.has(name))?.[0];
    if (to && to !== from) renames.push({ from, to });
  }
  return renames;
}

/** The base-search terms and where conjuncts that select the events of a compiled condition. */
interface Selection {
  search: string[];
  where: SplExpr[];
  expr?: SplExpr;
}

/**
 * For a rule that judges updates, the events its condition selects or whose riskgate annotation names it: a denied
 * patch has no stored result and its body need not restate what the rule reads, but the live webhook judged it. The
 * base search keeps a prefilter (the condition's search terms, or the annotation phrase); the where clause decides.
 */
function selectionOf(compiled: Compiled, verdict: AdmissionVerdict | undefined): Selection {
  if (compiled === true) return { search: [], where: [] };
  if (!verdict) return compiled === false ? { search: ['NOT *'], where: [] } : { ...splitConjuncts(compiled), expr: compiled };
  if (compiled === false) return { search: [verdict.phrase], where: [VERDICT_LEAF] };
  const { search } = splitConjuncts(compiled);
  const prefilter = search.length === 0 ? [] : [`(${search.length > 1 ? `(${search.join(' ')})` : search[0]} OR ${verdict.phrase})`];
  return { search: prefilter, where: [{ op: 'or', items: [compiled, VERDICT_LEAF] }], expr: compiled };
}

/**
 * The plan of `rule`'s search under `policy`. Seed rules keep ESCU's exact shape (so with no exemptions their text
 * is ESCU's); riskgate's own rules name their fillnull fields. The BY list is the ESCU common fields, plus
 * requestObject.kind when every event carries a full request body (create only), plus objectRef.subresource for
 * subresource rules, plus the condition's required fields and the rule's row fields, in ASCII order.
 */
export function planSearch(rule: RequestRule, policy: Policy): SearchPlan {
  const compiled = rule.condition ? compileCondition(rule, rule.condition) : true;
  const verdict = readsStoredResult(rule) && compiled !== true ? admissionVerdictOf(rule) : undefined;
  const { search, where, expr } = selectionOf(compiled, verdict);
  const required = verdict || !expr ? [] : requiredOf(expr);
  const rowFields = rowFieldsOf(rule);
  const onlyCreate = rule.match.operations.every((op) => op === 'CREATE');
  const hasSubresources = rule.match.resources.some((r) => r.includes('/'));
  const byFields = asciiSorted([
    ...COMMON_BY_FIELDS,
    ...(onlyCreate ? ['requestObject.kind'] : []),
    ...(hasSubresources ? ['objectRef.subresource'] : []),
    ...required,
    ...(rule.rowFields ?? []).map((r) => r.name),
  ]);
  return {
    rule,
    baseTerms: [...resourceTerms(rule), verbTerm(rule), ...search, ...namespaceActionTerms(rule, policy), ...exemptionTerms(rule, policy)],
    connectParameters: connectParametersOf(rule),
    ...(verdict ? { admissionVerdict: verdict } : {}),
    keptPaths: expr ? keptPathsOf(expr) : [],
    where: [...where, ...expiringExemptionClauses(rule, policy)],
    rowFields,
    fillnull: rule.escu.isSeed ? 'all' : byFields,
    byFields,
    renames: renamesOf(rule, byFields),
    filterMacro: filterMacroName(rule),
  };
}
