// Where a front end finds a namespace's labels (serve: a watch; check: Namespace objects in its input; replay: Namespace writes in the log).
import { objectLabels } from './object-labels.js';
import type { ResourceRequest } from '../request/resource-request.js';
import type { Policy } from './policy.js';

/** The labels of the namespace, or undefined when they are unknown (then no namespaceLabels exemption applies). */
export type NamespaceLabels = (namespace: string) => Record<string, string> | undefined;

/** Sets request.namespaceLabels from the lookup when it knows them; cluster-scoped requests (no namespace) get none. */
export function withNamespaceLabels(request: ResourceRequest, lookup: NamespaceLabels | undefined): void {
  if (!lookup || request.namespace === '') return;
  const labels = lookup(request.namespace);
  if (labels) request.namespaceLabels = labels;
}

/** Whether any exemption block of the policy, policy-wide or a rule's, names namespace labels. */
export function usesNamespaceLabels(policy: Policy): boolean {
  const blocks = [...policy.exemptions, ...[...policy.rules.values()].flatMap((r) => r.exemptions)];
  return blocks.some((b) => Object.keys(b.match.namespaceLabels).length > 0);
}

/** The string labels of a Namespace object's metadata (`{}` when it has none), or undefined when it is not a Namespace. */
export function namespaceObjectLabels(object: unknown): { name: string; labels: Record<string, string> } | undefined {
  if (typeof object !== 'object' || object === null) return undefined;
  const { kind, metadata } = object as { kind?: unknown; metadata?: unknown };
  if (kind !== 'Namespace' || typeof metadata !== 'object' || metadata === null) return undefined;
  const { name } = metadata as { name?: unknown };
  if (typeof name !== 'string' || name === '') return undefined;
  return { name, labels: objectLabels(object) ?? {} };
}
