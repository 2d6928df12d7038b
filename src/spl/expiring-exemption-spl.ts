// Compiles exemption blocks that end into where-clause conjuncts bounded by `_time < strptime(...)`: an event after the end is no longer exempt.
import type { ExemptionBlock } from '../engine/policy.js';
import type { RequestRule } from '../rules/rule.js';
import { isConnectRule } from './audit-field.js';
import type { SplExpr } from './condition-spl.js';
import { blocksOf } from './exemption-spl.js';
import type { Policy } from '../engine/policy.js';
import { globBody, globRegex, strptimeOf } from './expiry-spl.js';
import { evalField, evalString, exactRegex } from './spl-literal.js';

function found(field: string, regex: string): string {
  return `isnotnull(mvfind(${evalField(field)}, ${evalString(regex)}))`;
}

/** The identity admission judged: the impersonated one when there is one, else the authenticated one. */
function identity(field: 'username' | 'groups{}', regex: string): string {
  return `(${found(`impersonatedUser.${field}`, regex)} OR (isnull(${evalField('impersonatedUser.username')}) AND ${found(`user.${field}`, regex)}))`;
}

/** `ns:name` patterns as usernames: the namespace part stops at the first colon, as riskgate splits it. */
function serviceAccountRegex(patterns: readonly string[]): string {
  const bodies = patterns.map((p) => {
    const [ns, name] = p.split(':') as [string, string];
    return `system:serviceaccount:${globBody(ns, '[^:]*')}:${globBody(name)}`;
  });
  return `^(?:${bodies.join('|')})$`;
}

/** The eval twin of exemption-spl.ts's label clause: a create carrying them, or a patch that left them on the stored object. */
function labelsEval(rule: RequestRule, labels: Record<string, string>): string[] {
  const keys = Object.keys(labels);
  if (keys.length === 0 || isConnectRule(rule)) return [];
  const ops = rule.match.operations;
  const branches: string[] = [];
  const carry = (object: string) => keys.map((k) => found(`${object}.metadata.labels.${k}`, exactRegex([labels[k]!])));
  if (ops.includes('CREATE')) branches.push(`(${[found('verb', '^create$'), ...carry('requestObject')].join(' AND ')})`);
  if (ops.includes('UPDATE')) {
    const untouched = keys.map((k) => `isnull(${evalField(`requestObject.metadata.labels.${k}`)})`);
    branches.push(`(${[found('verb', '^patch$'), ...carry('responseObject'), ...untouched].join(' AND ')})`);
  }
  return branches;
}

function blockEval(rule: RequestRule, block: ExemptionBlock): string[] {
  const { namespaces, users, serviceAccounts, groups, labels } = block.match;
  const usernames = [...(users.length > 0 ? [globRegex(users)] : []), ...(serviceAccounts.length > 0 ? [serviceAccountRegex(serviceAccounts)] : [])];
  return [
    ...(namespaces.length > 0 ? [found('objectRef.namespace', globRegex(namespaces))] : []),
    ...usernames.map((regex) => identity('username', regex)),
    ...(groups.length > 0 ? [identity('groups{}', globRegex(groups))] : []),
    ...labelsEval(rule, labels),
  ];
}

/**
 * One `NOT (… AND _time < strptime(…))` conjunct per block with an end, policy-wide ones first: the block exempts the
 * events it matches up to its end, as admission does (the event's time standing for the request's).
 */
export function expiringExemptionClauses(rule: RequestRule, policy: Policy): SplExpr[] {
  return blocksOf(policy, rule).flatMap((block): SplExpr[] => {
    if (block.expires === undefined) return [];
    const parts = blockEval(rule, block);
    if (parts.length === 0) return [];
    const matched = parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
    return [{ op: 'leaf', eval: `NOT (${matched} AND _time < ${strptimeOf(block.expires)})`, required: [] }];
  });
}
