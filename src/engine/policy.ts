// Policy types and the built-in default: per rule an action and exemptions; the engine's findings are judged against it.
import type { Rule } from '../rules/rule.js';

export type Action = 'deny' | 'warn' | 'record' | 'off';
export const ACTIONS: readonly Action[] = ['deny', 'warn', 'record', 'off'];
/** Metric rules observe after the fact: nothing to deny or warn. */
export const METRIC_ACTIONS: readonly Action[] = ['record', 'off'];

export interface Exemptions {
  /** Patterns (`*` wildcard) matched against request.namespace (or the metric's namespace). */
  namespaces: string[];
  users: string[];
  groups: string[];
  /** `namespace:name`, name may be `*`; matches the user system:serviceaccount:namespace:name. */
  serviceAccounts: string[];
  /** Object labels that must all be present with these values (on the old object too, for an UPDATE). */
  labels: Record<string, string>;
  /** Metric rules only. */
  clusters: string[];
  nodes: string[];
  workloads: string[];
}

export interface RulePolicy {
  action: Action;
  exemptions: Exemptions;
}

export interface Policy {
  /** File the policy was read from, or "built-in". */
  source: string;
  /** Exemptions that apply to every rule. */
  exemptions: Exemptions;
  /** One entry for every rule of the catalog (rules absent from the file get the default action). */
  rules: ReadonlyMap<string, RulePolicy>;
}

export const DEFAULT_ACTION: Action = 'record';

export function emptyExemptions(): Exemptions {
  return { namespaces: [], users: [], groups: [], serviceAccounts: [], labels: {}, clusters: [], nodes: [], workloads: [] };
}

/** The built-in policy: every rule records, nothing is exempt. */
export function defaultPolicy(rules: readonly Rule[]): Policy {
  return {
    source: 'built-in',
    exemptions: emptyExemptions(),
    rules: new Map(rules.map((r) => [r.id, { action: DEFAULT_ACTION, exemptions: emptyExemptions() }])),
  };
}

export function actionOf(policy: Policy, ruleId: string): Action {
  return policy.rules.get(ruleId)?.action ?? 'off';
}
