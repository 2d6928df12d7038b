// The action a rule takes in a namespace: the first namespaceActions pattern that matches wins, else the rule's own action.
import { matchesPattern } from './exemption.js';
import type { Action, Policy, RulePolicy } from './policy.js';

export function actionIn(rule: RulePolicy, namespace: string): Action {
  for (const { pattern, action } of rule.namespaceActions) if (matchesPattern(namespace, pattern)) return action;
  return rule.action;
}

/** The action of a rule of the policy in a namespace ('off' for a rule the policy does not know). */
export function actionAt(policy: Policy, ruleId: string, namespace: string): Action {
  const rule = policy.rules.get(ruleId);
  return rule ? actionIn(rule, namespace) : 'off';
}
