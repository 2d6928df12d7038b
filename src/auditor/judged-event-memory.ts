// The auditor view's memory of recent events (a sink next to the others): each event live-judged by this process keeps the policy in force then.
import type { ExemptionBlock, Exemptions, Policy } from '../engine/policy.js';
import type { RiskEvent } from '../outputs/risk-event.js';
import type { RiskSink } from '../outputs/risk-sink.js';
import type { JudgingPolicy, ViewEvent } from './view-event.js';

/** One line per non-empty kind of exemption, e.g. `namespaces: kube-system, team-*`. */
export function exemptionLines(exemptions: Exemptions): string[] {
  const lines: string[] = [];
  for (const [kind, value] of Object.entries(exemptions) as Array<[string, string[] | Record<string, string>]>) {
    const items = Array.isArray(value) ? value : Object.entries(value).map(([k, v]) => `${k}=${v}`);
    if (items.length > 0) lines.push(`${kind}: ${items.join(', ')}`);
  }
  return lines;
}

/** One exemption block on a line: what it matches, then until when and why. */
export function blockLine(block: ExemptionBlock): string {
  const terms = [block.expires ? `until ${block.expires.toISOString()}` : '', block.reason ? `reason: ${block.reason}` : ''].filter((t) => t !== '');
  const match = exemptionLines(block.match).join('; ') || 'everything';
  return terms.length > 0 ? `${match} (${terms.join(', ')})` : match;
}

export function judgingPolicy(policy: Policy, ruleId: string): JudgingPolicy {
  const rule = policy.rules.get(ruleId);
  return {
    source: policy.source,
    rule_action: rule?.action ?? 'off',
    namespace_actions: (rule?.namespaceActions ?? []).map((n) => `${n.pattern}: ${n.action}`),
    rule_exemptions: (rule?.exemptions ?? []).map(blockLine),
    policy_exemptions: policy.exemptions.map(blockLine),
  };
}

export class JudgedEventMemory implements RiskSink {
  readonly name = 'auditor-memory';
  private readonly kept: ViewEvent[] = [];

  constructor(
    private readonly capacity: number,
    private readonly policy: () => Policy,
  ) {}

  /** Events read back from the data directory at start: who judged them, under which policy, is not known. */
  seed(events: readonly RiskEvent[]): void {
    this.keep(events.map((e) => ({ ...e })));
  }

  write(events: readonly RiskEvent[]): void {
    const policy = this.policy();
    const notes = new Map<string, JudgingPolicy>();
    const judged = events.map((e) => {
      let note = notes.get(e.rule_id);
      if (!note) notes.set(e.rule_id, (note = judgingPolicy(policy, e.rule_id)));
      return { ...e, policy: note };
    });
    this.keep(judged);
  }

  get events(): readonly ViewEvent[] {
    return this.kept;
  }

  async close(): Promise<void> {}

  private keep(events: ViewEvent[]): void {
    this.kept.push(...events);
    if (this.kept.length > this.capacity) this.kept.splice(0, this.kept.length - this.capacity);
  }
}
