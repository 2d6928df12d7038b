// What a policy change did: each rule's action and namespace actions, exemption blocks added or removed, and whether enforcement weakened.
import type { Action, ExemptionBlock, Policy, RulePolicy } from './policy.js';

const STRENGTH: readonly Action[] = ['off', 'record', 'warn', 'deny'];
const strength = (a: Action) => STRENGTH.indexOf(a);

export interface PolicyChange {
  /** One line per change: `rules.<id>.action: deny -> off`, `exemptions: + namespaces [*]`… */
  changes: string[];
  /** A rule acts less (a weaker action somewhere) or something more is exempt. */
  weakened: boolean;
}

/** An exemption block as text: what it matches, until when and why (blocks are compared by this). */
function blockText(block: ExemptionBlock): string {
  const match = Object.entries(block.match).filter(([, v]) => (Array.isArray(v) ? v.length > 0 : Object.keys(v as object).length > 0));
  const parts = match.map(([k, v]) => `${k} ${JSON.stringify(v)}`);
  if (block.expires) parts.push(`until ${block.expires.toISOString()}`);
  if (block.reason) parts.push(`reason ${JSON.stringify(block.reason)}`);
  return parts.join(', ');
}

function blockChanges(where: string, before: readonly ExemptionBlock[], after: readonly ExemptionBlock[], out: PolicyChange): void {
  const old = before.map(blockText);
  const now = after.map(blockText);
  for (const text of now.filter((t) => !old.includes(t))) {
    out.changes.push(`${where}: + ${text}`);
    out.weakened = true;
  }
  for (const text of old.filter((t) => !now.includes(t))) out.changes.push(`${where}: - ${text}`);
}

function ruleChanges(id: string, before: RulePolicy | undefined, after: RulePolicy | undefined, out: PolicyChange): void {
  const from = before?.action ?? 'off';
  const to = after?.action ?? 'off';
  if (from !== to) {
    out.changes.push(`rules.${id}.action: ${from} -> ${to}`);
    if (strength(to) < strength(from)) out.weakened = true;
  }
  const oldNs = (before?.namespaceActions ?? []).map((n) => `${n.pattern}=${n.action}`);
  const newNs = (after?.namespaceActions ?? []).map((n) => `${n.pattern}=${n.action}`);
  if (oldNs.join(',') !== newNs.join(',')) {
    out.changes.push(`rules.${id}.namespaceActions: [${oldNs.join(', ')}] -> [${newNs.join(', ')}]`);
    if ((after?.namespaceActions ?? []).some((n) => strength(n.action) < strength(to) && !oldNs.includes(`${n.pattern}=${n.action}`))) out.weakened = true;
  }
  blockChanges(`rules.${id}.exemptions`, before?.exemptions ?? [], after?.exemptions ?? [], out);
}

/** The changes from `before` to `after`, in rule order; empty when they judge alike. */
export function policyChange(before: Policy, after: Policy): PolicyChange {
  const out: PolicyChange = { changes: [], weakened: false };
  blockChanges('exemptions', before.exemptions, after.exemptions, out);
  const ids = [...new Set([...before.rules.keys(), ...after.rules.keys()])];
  for (const id of ids) ruleChanges(id, before.rules.get(id), after.rules.get(id), out);
  if (before.requireReason && !after.requireReason) out.changes.push('requireReason: true -> false');
  return out;
}
