// The decision step: turns findings into verdicts (deny, warn, record) per the policy's actions and exemptions.
import type { Finding } from './finding.js';
import type { Action, Policy } from './policy.js';
import { exemptionFor } from './exemption.js';

export type ActiveAction = Exclude<Action, 'off'>;

export interface Verdict {
  finding: Finding;
  action: ActiveAction;
}

export interface ExemptedFinding {
  finding: Finding;
  /** Which exemption applied, e.g. `namespace=kube-system` or `rule:kubernetes-daemonset-deployed user=ci-bot`. */
  exemption: string;
}

export interface Decision {
  allowed: boolean;
  /** Every non-off, non-exempt finding; deny and warn verdicts are recorded too. */
  verdicts: Verdict[];
  exempted: ExemptedFinding[];
}

export function decide(findings: readonly Finding[], policy: Policy): Decision {
  const verdicts: Verdict[] = [];
  const exempted: ExemptedFinding[] = [];
  for (const finding of findings) {
    const rulePolicy = policy.rules.get(finding.rule.id);
    if (!rulePolicy || rulePolicy.action === 'off') continue;
    const globalExemption = exemptionFor(finding.subject, policy.exemptions);
    const ruleExemption = globalExemption ? undefined : exemptionFor(finding.subject, rulePolicy.exemptions);
    if (globalExemption) exempted.push({ finding, exemption: `policy ${globalExemption}` });
    else if (ruleExemption) exempted.push({ finding, exemption: `rule ${ruleExemption}` });
    else verdicts.push({ finding, action: rulePolicy.action });
  }
  return { allowed: !verdicts.some((v) => v.action === 'deny'), verdicts, exempted };
}

export function verdictsWith(decision: Decision, action: ActiveAction): Verdict[] {
  return decision.verdicts.filter((v) => v.action === action);
}
