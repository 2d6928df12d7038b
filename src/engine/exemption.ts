// Checks a finding's subject against exemption blocks live at a given instant and names the one that applied (for logs and reports).
import type { Subject } from './finding.js';
import type { ExemptionBlock, Exemptions } from './policy.js';
import { globMatches } from './glob-pattern.js';

const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

/** Exact, case-sensitive match (Kubernetes names are case-sensitive); `*` matches any run of characters (in linear passes, no regular expression). */
export function matchesPattern(value: string, pattern: string): boolean {
  return globMatches(value, pattern);
}

function firstMatch(value: string | undefined, patterns: string[]): string | undefined {
  if (value === undefined) return undefined;
  for (const pattern of patterns) if (matchesPattern(value, pattern)) return pattern;
  return undefined;
}

function serviceAccountMatch(username: string | undefined, patterns: string[]): string | undefined {
  if (patterns.length === 0 || !username?.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const rest = username.slice(SERVICE_ACCOUNT_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon < 0) return undefined;
  const namespace = rest.slice(0, colon);
  const name = rest.slice(colon + 1);
  return patterns.find((p) => {
    const [ns, sa] = p.split(':') as [string, string];
    return matchesPattern(namespace, ns) && matchesPattern(name, sa);
  });
}

/** Every one of `keys` in `labels` with the wanted value. */
function carries(labels: Record<string, string>, wanted: Record<string, string>, keys: readonly string[]): boolean {
  return keys.every((k) => Object.prototype.hasOwnProperty.call(labels, k) && labels[k] === wanted[k]);
}

function labelsMatch(subject: Subject, wanted: Record<string, string>): boolean {
  const keys = Object.keys(wanted);
  if (keys.length === 0 || !subject.labels) return false;
  // On UPDATE the old object must carry the label too, so adding the label in the same request cannot bypass the rule.
  return carries(subject.labels, wanted, keys) && (subject.oldLabels === undefined || carries(subject.oldLabels, wanted, keys));
}

/** Every wanted label on the request's Namespace; never when the Namespace's labels are unknown. */
function namespaceLabelsMatch(subject: Subject, wanted: Record<string, string>): boolean {
  const keys = Object.keys(wanted);
  if (keys.length === 0 || subject.namespaceLabels === undefined) return false;
  return carries(subject.namespaceLabels, wanted, keys);
}

const labelText = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}:${v}`).join(',');

function firstGroupMatch(groups: string[] | undefined, patterns: string[]): string | undefined {
  if (groups === undefined || patterns.length === 0) return undefined;
  for (const group of groups) {
    const match = firstMatch(group, patterns);
    if (match !== undefined) return match;
  }
  return undefined;
}

/** The first exemption that applies, described as `kind=value`, or undefined (kinds checked in this order, each only if needed). */
export function exemptionFor(subject: Subject, exemptions: Exemptions): string | undefined {
  let match: string | undefined;
  if ((match = firstMatch(subject.namespace, exemptions.namespaces)) !== undefined) return `namespace=${match}`;
  if ((match = firstMatch(subject.username, exemptions.users)) !== undefined) return `user=${match}`;
  if ((match = firstGroupMatch(subject.groups, exemptions.groups)) !== undefined) return `group=${match}`;
  if ((match = serviceAccountMatch(subject.username, exemptions.serviceAccounts)) !== undefined) return `serviceAccount=${match}`;
  if ((match = firstMatch(subject.cluster, exemptions.clusters)) !== undefined) return `cluster=${match}`;
  if ((match = firstMatch(subject.node, exemptions.nodes)) !== undefined) return `node=${match}`;
  if ((match = firstMatch(subject.workload, exemptions.workloads)) !== undefined) return `workload=${match}`;
  if (labelsMatch(subject, exemptions.labels)) return `labels=${labelText(exemptions.labels)}`;
  if (namespaceLabelsMatch(subject, exemptions.namespaceLabels)) return `namespaceLabels=${labelText(exemptions.namespaceLabels)}`;
  return undefined;
}

/** Whether the block exempts at `now`: it has no end, or its end is still ahead (it stops applying at that instant). */
export function isLive(block: ExemptionBlock, now: Date): boolean {
  return block.expires === undefined || now.getTime() < block.expires.getTime();
}

/** The block that applied and what in it matched (`namespace=team-*`). */
export interface BlockMatch {
  block: ExemptionBlock;
  what: string;
}

/** The first block live at `now` that exempts the subject, in file order. */
export function blockFor(subject: Subject, blocks: readonly ExemptionBlock[], now: Date): BlockMatch | undefined {
  for (const block of blocks) {
    if (!isLive(block, now)) continue;
    const what = exemptionFor(subject, block.match);
    if (what !== undefined) return { block, what };
  }
  return undefined;
}
