// The decision step: turns findings into verdicts (deny, warn, record) per the policy's actions, namespace actions and exemption blocks live at `now`.
import type { Finding } from './finding.js';
import type { Action, Policy } from './policy.js';
import { blockFor } from './exemption.js';
import type { BlockMatch } from './exemption.js';
import { actionIn } from './namespace-action.js';
import { exemptionText } from './exemption-text.js';

export type ActiveAction = Exclude<Action, 'off'>;

export interface Verdict {
  finding: Finding;
  action: ActiveAction;
}

export interface ExemptedFinding {
  finding: Finding;
  /**
   * Which exemption applied, with its block's reason and end when it has them, e.g. `policy namespace=kube-system` or
   * `rule labels=riskgate.io/approved:platform (reason: approved in CHG-12; expires 2026-12-01T00:00:00Z)`.
   */
  exemption: string;
  /** The block's reason, when it gives one. */
  reason?: string;
  /** When the block stops applying, when it ends. */
  expires?: Date;
}

export interface Decision {
  allowed: boolean;
  /** Every non-off, non-exempt finding; deny and warn verdicts are recorded too. */
  verdicts: Verdict[];
  exempted: ExemptedFinding[];
  /** The digest of the policy that judged (Policy.digest), when it has one. */
  policyDigest?: string;
}

function exempted(finding: Finding, level: 'policy' | 'rule', match: BlockMatch): ExemptedFinding {
  const { reason, expires } = match.block;
  return {
    finding,
    exemption: exemptionText(`${level} ${match.what}`, match.block),
    ...(reason !== undefined ? { reason } : {}),
    ...(expires !== undefined ? { expires } : {}),
  };
}

/**
 * Judges findings at `now` (the request's time: the review's clock, or the audit event's time in replay): the action
 * of the rule in the request's namespace, unless a policy-wide or rule block live at `now` exempts the subject.
 */
export function decide(findings: readonly Finding[], policy: Policy, now: Date): Decision {
  const verdicts: Verdict[] = [];
  const exemptedFindings: ExemptedFinding[] = [];
  for (const finding of findings) {
    const rulePolicy = policy.rules.get(finding.rule.id);
    if (!rulePolicy) continue;
    const action = actionIn(rulePolicy, finding.subject.namespace ?? '');
    if (action === 'off') continue;
    const global = blockFor(finding.subject, policy.exemptions, now);
    const own = global ? undefined : blockFor(finding.subject, rulePolicy.exemptions, now);
    if (global) exemptedFindings.push(exempted(finding, 'policy', global));
    else if (own) exemptedFindings.push(exempted(finding, 'rule', own));
    else verdicts.push({ finding, action });
  }
  const decision: Decision = { allowed: !verdicts.some((v) => v.action === 'deny'), verdicts, exempted: exemptedFindings };
  if (policy.digest !== undefined) decision.policyDigest = policy.digest;
  return decision;
}

export function verdictsWith(decision: Decision, action: ActiveAction): Verdict[] {
  return decision.verdicts.filter((v) => v.action === action);
}
