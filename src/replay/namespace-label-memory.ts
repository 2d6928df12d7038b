// Replay's memory of each namespace's labels, from the Namespace writes the audit log shows (and Namespace objects given with --namespaces), for namespaceLabels exemptions.
import type { JsonValue } from '../request/json-value.js';
import { isJsonObject } from '../request/json-value.js';
import { namespaceObjectLabels } from '../engine/namespace-labels.js';
import type { NamespaceLabels } from '../engine/namespace-labels.js';

/** Namespaces remembered at most; past it the one written longest ago is forgotten (its labels become unknown). */
export const DEFAULT_MAX_NAMESPACES = 50_000;

const WRITING_VERBS: readonly string[] = ['create', 'update', 'patch'];

function succeeded(event: { [key: string]: JsonValue }): boolean {
  const status = event['responseStatus'];
  const code = isJsonObject(status) ? status['code'] : undefined;
  return typeof code === 'number' && code >= 200 && code < 300;
}

export class NamespaceLabelMemory {
  private readonly labels = new Map<string, Record<string, string>>();

  constructor(readonly capacity = DEFAULT_MAX_NAMESPACES) {}

  /** The labels last seen for the namespace, or undefined when the log (so far) has not shown it. */
  readonly labelsOf: NamespaceLabels = (namespace) => this.labels.get(namespace);

  /** A Namespace object known from elsewhere (`kubectl get namespaces -o json`). */
  remember(object: unknown): boolean {
    const namespace = namespaceObjectLabels(object);
    if (!namespace) return false;
    this.set(namespace.name, namespace.labels);
    return true;
  }

  /**
   * Takes in a raw audit event: a successful create, update or patch of a Namespace whose stored object the log holds
   * (responseObject, or requestObject of a create) sets its labels; a successful delete forgets them.
   */
  observe(value: JsonValue): void {
    if (!isJsonObject(value) || value['stage'] !== 'ResponseComplete' || !succeeded(value)) return;
    const ref = value['objectRef'];
    if (!isJsonObject(ref) || ref['resource'] !== 'namespaces' || ref['subresource'] !== undefined || (ref['apiGroup'] ?? '') !== '') return;
    const verb = value['verb'];
    if (verb === 'delete' && typeof ref['name'] === 'string') {
      this.labels.delete(ref['name']);
      return;
    }
    if (typeof verb !== 'string' || !WRITING_VERBS.includes(verb)) return;
    if (this.remember(value['responseObject'])) return;
    if (verb === 'create') this.remember(value['requestObject']);
  }

  private set(name: string, labels: Record<string, string>): void {
    this.labels.delete(name);
    this.labels.set(name, labels);
    if (this.labels.size > this.capacity) this.labels.delete(this.labels.keys().next().value!);
  }
}
