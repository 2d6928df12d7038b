// Test oracle: the webhook entries (rules and the enforce matchCondition) the rule catalog and a parsed policy imply, computed from the catalog itself (not rules.json).
import type { Policy } from '../../src/engine/policy.js';
import { actionOf } from '../../src/engine/policy.js';
import { requestRules } from '../../src/rules/catalog.js';
import type { Rule } from '../../src/rules/rule.js';
import { ruleCel } from '../../src/cel/rule-cel.js';

export interface WebhookRule {
  apiGroups: string[];
  apiVersions: string[];
  operations: string[];
  resources: string[];
  scope: string;
}

export function expectedRules(rules: readonly Rule[], policy: Policy, mode: 'enforce' | 'observe'): WebhookRule[] {
  const wanted = (action: string) => (mode === 'enforce' ? action === 'deny' : action === 'warn' || action === 'record');
  const merged = new Map<string, WebhookRule>();
  for (const rule of requestRules(rules)) {
    if (!wanted(actionOf(policy, rule.id))) continue;
    const { apiGroups, apiVersions, resources, operations } = rule.match;
    const key = JSON.stringify([apiGroups, apiVersions, resources]);
    const entry = merged.get(key);
    if (entry) entry.operations = [...new Set([...entry.operations, ...operations])].sort();
    else merged.set(key, { apiGroups: [...apiGroups], apiVersions: [...apiVersions], operations: [...operations].sort(), resources: [...resources], scope: '*' });
  }
  return [...merged.values()];
}

/** The enforce entry's matchCondition expression: the CEL of every rule in deny mode, one a line, or undefined when none denies. */
export function expectedDenyCondition(rules: readonly Rule[], policy: Policy): string | undefined {
  const parts = requestRules(rules)
    .filter((rule) => actionOf(policy, rule.id) === 'deny')
    .map((rule) => `(${ruleCel(rule).cel.text})`);
  return parts.length > 0 ? parts.join('\n|| ') : undefined;
}
