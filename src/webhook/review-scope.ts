// Which rules a webhook path answers for: all of them, only deny rules (enforce, Fail) or only warn/record rules (observe, Ignore).
import type { Policy, RulePolicy } from '../engine/policy.js';
import { ENFORCE_WEBHOOK, OBSERVE_WEBHOOK, VALIDATE_PATH } from '../kubernetes/webhook-names.js';

export type ReviewScope = 'all' | 'enforce' | 'observe';

export const SCOPE_PATHS: ReadonlyArray<{ path: string; scope: ReviewScope }> = [
  { path: VALIDATE_PATH, scope: 'all' },
  { path: ENFORCE_WEBHOOK.path, scope: 'enforce' },
  { path: OBSERVE_WEBHOOK.path, scope: 'observe' },
];

function inScope(rule: RulePolicy, scope: ReviewScope): boolean {
  if (scope === 'all') return true;
  return scope === 'enforce' ? rule.action === 'deny' : rule.action === 'warn' || rule.action === 'record';
}

const cache = new WeakMap<Policy, Map<ReviewScope, Policy>>();

/**
 * The policy as one webhook entry sees it: rules outside the scope are `off`. A finding (and its exemption) is therefore
 * answered and recorded by exactly one of the enforce/observe pair. Cached per policy object: reloads build a new one.
 */
export function scopedPolicy(policy: Policy, scope: ReviewScope): Policy {
  if (scope === 'all') return policy;
  let byScope = cache.get(policy);
  if (!byScope) cache.set(policy, (byScope = new Map()));
  let scoped = byScope.get(scope);
  if (!scoped) {
    const rules = new Map<string, RulePolicy>();
    for (const [id, rule] of policy.rules) rules.set(id, inScope(rule, scope) ? rule : { ...rule, action: 'off' });
    scoped = { ...policy, rules };
    byScope.set(scope, scoped);
  }
  return scoped;
}
