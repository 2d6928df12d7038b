// Compiles a rule's exemption blocks without an end (policy-wide and per rule) into NOT clauses of its audit search, so search and admission agree.
import type { ExemptionBlock, Exemptions, Policy } from '../engine/policy.js';
import type { RequestRule } from '../rules/rule.js';
import { isConnectRule } from './audit-field.js';
import { searchField, searchTerm, searchTermIn } from './spl-literal.js';

const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';
/** Present only on impersonated requests; admission judges the impersonated identity. */
const IMPERSONATED = 'impersonatedUser.username=*';

/** The blocks that apply to the rule, policy-wide ones first (blocks with an end go to expiring-exemption-spl.ts). */
export function blocksOf(policy: Policy, rule: RequestRule): ExemptionBlock[] {
  return [...policy.exemptions, ...(policy.rules.get(rule.id)?.exemptions ?? [])];
}

/** The lists of the blocks that never end, each value once (either block exempts: their lists add up). */
function merged(blocks: readonly ExemptionBlock[]): Pick<Exemptions, 'namespaces' | 'users' | 'groups' | 'serviceAccounts'> {
  const union = (key: 'namespaces' | 'users' | 'groups' | 'serviceAccounts') => [...new Set(blocks.flatMap((b) => b.match[key]))];
  return { namespaces: union('namespaces'), users: union('users'), groups: union('groups'), serviceAccounts: union('serviceAccounts') };
}

/** `NOT field IN (…)` on the identity admission saw: the impersonated one when present, the authenticated one otherwise. */
function identityClauses(field: 'username' | 'groups{}', values: string[]): string[] {
  if (values.length === 0) return [];
  const impersonated = searchTermIn(`impersonatedUser.${field}`, values);
  const authenticated = searchTermIn(`user.${field}`, values);
  return [`NOT ${values.length > 1 ? `(${impersonated})` : impersonated}`, `NOT (${authenticated} NOT ${IMPERSONATED})`];
}

function labelTerms(object: 'requestObject' | 'responseObject', labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([k, v]) => searchTerm(`${object}.metadata.labels.${k}`, v));
}

/**
 * Label exemptions hold when the object carries every label, and on an UPDATE the old object too (so a request cannot
 * exempt itself by adding the label). The audit log shows the old labels only for a patch that did not write them:
 * the stored result (responseObject) carries them and the patch (requestObject) does not touch them. A create is
 * judged on requestObject; a PUT update is never exempted by labels (its old object is unknown).
 */
function labelClause(rule: RequestRule, labels: Record<string, string>): string[] {
  if (Object.keys(labels).length === 0 || isConnectRule(rule)) return [];
  const ops = rule.match.operations;
  const branches: string[] = [];
  if (ops.includes('CREATE')) {
    const create = labelTerms('requestObject', labels);
    branches.push(ops.includes('UPDATE') ? ['verb=create', ...create].join(' ') : create.join(' '));
  }
  if (ops.includes('UPDATE')) {
    const untouched = Object.keys(labels).map((k) => `NOT ${searchField(`requestObject.metadata.labels.${k}`)}=*`);
    branches.push(['verb=patch', ...labelTerms('responseObject', labels), ...untouched].join(' '));
  }
  if (branches.length === 0) return [];
  return [branches.length === 1 ? `NOT (${branches[0]})` : `NOT (${branches.map((b) => `(${b})`).join(' OR ')})`];
}

/**
 * The NOT clauses of a rule's base search: namespaces (objectRef.namespace), users and service accounts
 * (system:serviceaccount:NS:NAME), groups, and object labels; `*` stays a wildcard in SPL as in the policy.
 */
export function exemptionTerms(rule: RequestRule, policy: Policy): string[] {
  const endless = blocksOf(policy, rule).filter((b) => b.expires === undefined);
  const ex = merged(endless);
  const usernames = [...ex.users, ...ex.serviceAccounts.map((sa) => `${SERVICE_ACCOUNT_PREFIX}${sa}`)];
  // The label sets of separate blocks are separate exemptions (each must match as a whole).
  const labelSets = endless.map((b) => b.match.labels).filter((l) => Object.keys(l).length > 0);
  return [
    ...(ex.namespaces.length > 0 ? [`NOT ${ex.namespaces.length > 1 ? `(${searchTermIn('objectRef.namespace', ex.namespaces)})` : searchTermIn('objectRef.namespace', ex.namespaces)}`] : []),
    ...identityClauses('username', usernames),
    ...identityClauses('groups{}', ex.groups),
    ...labelSets.flatMap((labels) => labelClause(rule, labels)),
  ];
}
