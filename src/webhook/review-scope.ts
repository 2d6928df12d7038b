// Which rules a webhook path answers for: all of them, only deny rules (enforce, Fail) or only warn/record rules (observe, Ignore).
import type { Action, Policy, RulePolicy } from '../engine/policy.js';
import { ENFORCE_WEBHOOK, OBSERVE_WEBHOOK, VALIDATE_PATH } from '../kubernetes/webhook-names.js';

export type ReviewScope = 'all' | 'enforce' | 'observe';

export const SCOPE_PATHS: ReadonlyArray<{ path: string; scope: ReviewScope }> = [
  { path: VALIDATE_PATH, scope: 'all' },
  { path: ENFORCE_WEBHOOK.path, scope: 'enforce' },
  { path: OBSERVE_WEBHOOK.path, scope: 'observe' },
];

function inScope(action: Action, scope: ReviewScope): boolean {
  if (scope === 'all') return true;
  return scope === 'enforce' ? action === 'deny' : action === 'warn' || action === 'record';
}

/** The rule with every action outside the scope `off`: its own and those of its namespaceActions (first match still wins). */
function scopedRule(rule: RulePolicy, scope: ReviewScope): RulePolicy {
  const scoped = (action: Action): Action => (inScope(action, scope) ? action : 'off');
  return { ...rule, action: scoped(rule.action), namespaceActions: rule.namespaceActions.map((n) => ({ ...n, action: scoped(n.action) })) };
}

const cache = new WeakMap<Policy, Map<ReviewScope, Policy>>();

/**
 * The policy as one webhook entry sees it: actions outside the scope are `off` (per namespace too: a rule may deny in
 * prod-* and record elsewhere). A finding (and its exemption) is therefore
 * answered and recorded by exactly one of the enforce/observe pair. Cached per policy object: reloads build a new one.
 */
export function scopedPolicy(policy: Policy, scope: ReviewScope): Policy {
  if (scope === 'all') return policy;
  let byScope = cache.get(policy);
  if (!byScope) cache.set(policy, (byScope = new Map()));
  let scoped = byScope.get(scope);
  if (!scoped) {
    const rules = new Map<string, RulePolicy>();
    for (const [id, rule] of policy.rules) rules.set(id, scopedRule(rule, scope));
    scoped = { ...policy, rules };
    byScope.set(scope, scoped);
  }
  return scoped;
}
