// A risk event as the auditor view shows it: the stored event, the replica that holds it, and the policy that judged it (when that replica judged it live).
import type { RiskEvent } from '../outputs/risk-event.js';

/** The policy a replica had in force when it judged the event (not recorded for events it read back from its data dir). */
export interface JudgingPolicy {
  /** The policy file (or `built-in`). */
  source: string;
  /** The rule's action in that policy (where no namespace entry applies). */
  rule_action: string;
  /** The rule's actions per namespace pattern (`team-*: warn`), first match wins. */
  namespace_actions: string[];
  /** The rule's exemption blocks, one per line (`namespaces: kube-system (until …, reason: …)`). */
  rule_exemptions: string[];
  /** The exemptions of every rule. */
  policy_exemptions: string[];
}

export interface ViewEvent extends RiskEvent {
  /** The replica whose memory holds the event (a pod name, or host:port of a static peer). */
  replica?: string;
  policy?: JudgingPolicy;
}
