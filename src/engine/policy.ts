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
  /**
   * Labels the request's Namespace must all carry with these values. Unlike object labels they cannot be granted by the
   * requester: labelling a namespace takes update rights on namespaces, which a namespace's users do not have.
   */
  namespaceLabels: Record<string, string>;
  /** Metric rules only. */
  clusters: string[];
  nodes: string[];
  workloads: string[];
}

/** One exemption block: who it exempts, and for how long and why. */
export interface ExemptionBlock {
  match: Exemptions;
  /** The instant the block stops applying: it exempts while `now < expires`. Absent: no end. */
  expires?: Date;
  /** Why the block exists; named wherever it exempts something. */
  reason?: string;
  /** `file:line` of the block, for warnings and errors. */
  where: string;
}

/** `namespaceActions` entry: requests in a namespace matching `pattern` (`*` wildcard) get `action`. */
export interface NamespaceAction {
  pattern: string;
  action: Action;
}

export interface RulePolicy {
  /** The action where no namespaceActions entry matches. */
  action: Action;
  /** In file order: the first entry whose pattern matches request.namespace wins. */
  namespaceActions: NamespaceAction[];
  exemptions: ExemptionBlock[];
}

export interface Policy {
  /** File the policy was read from, or "built-in". */
  source: string;
  /** Exemption blocks that apply to every rule (checked before the rule's own). */
  exemptions: ExemptionBlock[];
  /** One entry for every rule of the catalog (rules absent from the file get the default action). */
  rules: ReadonlyMap<string, RulePolicy>;
  /** Every exemption block must carry a reason (checked when the file is read). */
  requireReason: boolean;
  /**
   * Which policy this is, for the evidence: `sha256:` and 16 hex digits of the file's text, or `built-in`. Set by
   * whoever read the file (serve's policy store); every decision and risk event made under the policy carries it.
   */
  digest?: string;
}

export const DEFAULT_ACTION: Action = 'record';

export function emptyExemptions(): Exemptions {
  return { namespaces: [], users: [], groups: [], serviceAccounts: [], labels: {}, namespaceLabels: {}, clusters: [], nodes: [], workloads: [] };
}

/** The built-in policy: every rule records, nothing is exempt. */
export function defaultPolicy(rules: readonly Rule[]): Policy {
  return {
    source: 'built-in',
    exemptions: [],
    rules: new Map(rules.map((r) => [r.id, { action: DEFAULT_ACTION, namespaceActions: [], exemptions: [] }])),
    requireReason: false,
  };
}

/** The rule's action where no namespaceActions entry matches ('off' for an unknown rule). */
export function actionOf(policy: Policy, ruleId: string): Action {
  return policy.rules.get(ruleId)?.action ?? 'off';
}

/** Every action the rule takes in some namespace: its own and those of its namespaceActions, each once. */
export function actionsOf(rule: RulePolicy): Action[] {
  return [...new Set([rule.action, ...rule.namespaceActions.map((n) => n.action)])];
}

/** Whether the rule judges anything anywhere (some action, in some namespace, is not off). */
export function isActive(policy: Policy, ruleId: string): boolean {
  const rule = policy.rules.get(ruleId);
  return rule !== undefined && actionsOf(rule).some((a) => a !== 'off');
}

const STRENGTH: readonly Action[] = ['off', 'record', 'warn', 'deny'];

/** The strongest action the rule takes anywhere (deny over warn over record over off): its level in a report's rule list. */
export function strongestAction(rule: RulePolicy | undefined): Action {
  if (!rule) return 'off';
  return actionsOf(rule).reduce((a, b) => (STRENGTH.indexOf(b) > STRENGTH.indexOf(a) ? b : a), 'off');
}
