// The ValidatingAdmissionPolicies of a policy: one pair per request rule and action (deny, warn) it takes somewhere, for the rules CEL expresses exactly.
import { ruleCel } from '../cel/rule-cel.js';
import type { Policy } from '../engine/policy.js';
import { requestRules } from '../rules/catalog.js';
import type { RequestRule, Rule } from '../rules/rule.js';
import type { AdmissionPolicyPair, VapAction, VapOptions } from './admission-policy.js';
import { admissionPolicyPair } from './admission-policy.js';

export interface VapSet {
  pairs: AdmissionPolicyPair[];
  /** Rules that deny or warn somewhere but stay with the webhook, and why. */
  leftToWebhook: Array<{ rule: RequestRule; reason: string }>;
  /** The earliest end of an exemption block compiled into a pair: regenerate (re-apply) the set before it. */
  regenerateBefore?: Date;
}

export interface VapSetOptions extends VapOptions {
  /** The actions to write policies for (default both; `serve --vap` installs the deny ones). */
  actions?: readonly VapAction[];
}

/**
 * A VAP validation denies (or warns) whenever its CEL is true, so it must be true exactly when the rule finds the
 * request: a rule whose CEL over-approximates (a pattern RE2 does not read as JavaScript does) is left to the webhook.
 */
export function vapSet(rules: readonly Rule[], policy: Policy, now: Date, options: VapSetOptions): VapSet {
  const pairs: AdmissionPolicyPair[] = [];
  const leftToWebhook: VapSet['leftToWebhook'] = [];
  for (const rule of requestRules(rules)) {
    const own = (options.actions ?? ['deny', 'warn']).flatMap((action) => admissionPolicyPair(rule, action, policy, now, options) ?? []);
    if (own.length === 0) continue;
    if (!ruleCel(rule).exact) {
      leftToWebhook.push({ rule, reason: 'its condition has no exact CEL form (a pattern RE2 does not read as JavaScript does)' });
      continue;
    }
    pairs.push(...own);
  }
  const ends = pairs.flatMap((p) => (p.regenerateBefore ? [p.regenerateBefore.getTime()] : []));
  return { pairs, leftToWebhook, ...(ends.length > 0 ? { regenerateBefore: new Date(Math.min(...ends)) } : {}) };
}
