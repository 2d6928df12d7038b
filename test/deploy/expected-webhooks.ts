// Test oracle: the webhook entries (rules and the enforce matchCondition) the rule catalog and a parsed policy imply, computed from the catalog itself (not rules.json).
import type { Policy } from '../../src/engine/policy.js';
import { actionsOf } from '../../src/engine/policy.js';
import { requestRules } from '../../src/rules/catalog.js';
import type { RequestRule, Rule } from '../../src/rules/rule.js';
import { namespaceActionCel } from '../../src/cel/namespace-cel.js';
import { matchConditionCel, ruleCel } from '../../src/cel/rule-cel.js';

export interface WebhookRule {
  apiGroups: string[];
  apiVersions: string[];
  operations: string[];
  resources: string[];
  scope: string;
}

/** Whether a ValidatingAdmissionPolicy denies for the rule (vap.enabled, exact CEL) instead of the enforce entry. */
function deniedByVap(rule: RequestRule, vap: boolean): boolean {
  return vap && ruleCel(rule).exact;
}

function enforced(rule: RequestRule, policy: Policy, vap: boolean): boolean {
  const own = policy.rules.get(rule.id);
  return own !== undefined && actionsOf(own).includes('deny') && !deniedByVap(rule, vap);
}

export function expectedRules(rules: readonly Rule[], policy: Policy, mode: 'enforce' | 'observe', vap = false): WebhookRule[] {
  const wanted = (rule: RequestRule) => {
    const actions = actionsOf(policy.rules.get(rule.id)!);
    return mode === 'enforce' ? enforced(rule, policy, vap) : actions.includes('warn') || actions.includes('record');
  };
  const merged = new Map<string, WebhookRule>();
  for (const rule of requestRules(rules)) {
    if (!wanted(rule)) continue;
    const { apiGroups, apiVersions, resources, operations } = rule.match;
    const key = JSON.stringify([apiGroups, apiVersions, resources]);
    const entry = merged.get(key);
    if (entry) entry.operations = [...new Set([...entry.operations, ...operations])].sort();
    else merged.set(key, { apiGroups: [...apiGroups], apiVersions: [...apiVersions], operations: [...operations].sort(), resources: [...resources], scope: '*' });
  }
  return [...merged.values()];
}

/**
 * The enforce entry's matchCondition expression: per rule that denies somewhere, its CEL, `&& (<namespaces where it
 * denies>)` when namespaceActions narrow that; one a line, or undefined when none denies.
 */
export function expectedDenyCondition(rules: readonly Rule[], policy: Policy, vap = false): string | undefined {
  const parts = requestRules(rules)
    .filter((rule) => enforced(rule, policy, vap))
    .map((rule) => {
      const term = namespaceActionCel(policy.rules.get(rule.id)!, (a) => a === 'deny').text;
      return term === 'true' ? `(${matchConditionCel(rule).cel.text})` : `(${matchConditionCel(rule).cel.text}) && (${term})`;
    });
  return parts.length > 0 ? parts.join('\n|| ') : undefined;
}
