// Replay's memory of the last stored object the audit log showed per resource, namespace and name (bounded, least recently used out), for judging a patch whose result the log lacks.
import type { AuditEvent } from '../kubernetes/audit-event.js';
import type { JsonObject } from '../request/json-value.js';
import { isJsonObject } from '../request/json-value.js';
import type { Rule } from '../rules/rule.js';

/** Objects kept at most by default: a Service or DaemonSet is 1–5 KB of JSON text without its managedFields. */
export const DEFAULT_MAX_REMEMBERED = 10_000;

/** Verbs whose successful response body is the stored object. */
const STORING_VERBS: readonly string[] = ['create', 'update', 'patch', 'get'];
const CHANGING_VERBS: readonly string[] = ['create', 'update', 'patch'];

/**
 * `group/resource` of the resources some request rule judges on UPDATE (its old and new object): only their objects
 * are worth remembering.
 */
export function rememberedResources(rules: readonly Rule[]): Set<string> {
  const out = new Set<string>();
  for (const rule of rules) {
    if (rule.type !== 'request' || !rule.match.operations.includes('UPDATE')) continue;
    for (const resource of rule.match.resources) {
      if (resource.includes('/')) continue;
      for (const group of rule.match.apiGroups) out.add(`${group}/${resource}`);
    }
  }
  return out;
}

/** managedFields are left out: no rule reads them, and they are often most of the object. */
function storedText(object: JsonObject): string {
  return JSON.stringify(object, (key, value: unknown) => (key === 'managedFields' ? undefined : value));
}

function succeeded(event: AuditEvent): boolean {
  const code = event.responseStatus?.code;
  return code !== undefined && code >= 200 && code < 300;
}

export class ObjectMemory {
  private readonly objects = new Map<string, string>();
  /** Objects dropped to stay within the cap (a later patch of theirs is judged without them). */
  evicted = 0;

  constructor(
    private readonly resources: ReadonlySet<string>,
    readonly capacity = DEFAULT_MAX_REMEMBERED,
  ) {}

  /** Whether a read of this resource (a `get`, not of a subresource) may show an object worth remembering. */
  wantsReads(group: string, resource: string): boolean {
    return this.resources.has(`${group}/${resource}`);
  }

  /** The object the log last showed for the object an update or patch addresses (undefined when none). */
  recall(event: AuditEvent): JsonObject | undefined {
    if ((event.verb !== 'update' && event.verb !== 'patch') || event.objectRef?.subresource) return undefined;
    const key = this.keyOf(event);
    const text = key === undefined ? undefined : this.objects.get(key);
    if (key === undefined || text === undefined) return undefined;
    this.objects.delete(key);
    this.objects.set(key, text);
    return JSON.parse(text) as JsonObject;
  }

  /**
   * Takes in what a judged event tells about the stored object: the response of a successful create, update, patch or
   * get is remembered; a successful delete, a 404, or a successful change whose result the log lacks (Metadata or
   * Request level) forgets it. Dry-run requests and failures change nothing.
   */
  observe(event: AuditEvent): void {
    const ref = event.objectRef;
    const subresource = ref?.subresource ?? '';
    if (!ref?.resource || (subresource !== '' && subresource !== 'status') || /[?&]dryRun=/.test(event.requestURI ?? '')) return;
    const response = event.responseObject;
    const stored = isJsonObject(response) && response['kind'] !== 'Status' ? response : undefined;
    const key = this.keyOf(event, stored);
    if (key === undefined) return this.forgetCollection(event);
    if (event.responseStatus?.code === 404) this.objects.delete(key);
    if (!succeeded(event)) return;
    if (stored && STORING_VERBS.includes(event.verb)) this.remember(key, stored);
    else if (CHANGING_VERBS.includes(event.verb) || event.verb === 'delete') this.objects.delete(key);
  }

  private remember(key: string, object: JsonObject): void {
    this.objects.delete(key);
    this.objects.set(key, storedText(object));
    if (this.objects.size <= this.capacity) return;
    this.objects.delete(this.objects.keys().next().value as string);
    this.evicted++;
  }

  /** A successful deletecollection forgets every object of the resource in its namespace. */
  private forgetCollection(event: AuditEvent): void {
    const ref = event.objectRef;
    if (event.verb !== 'deletecollection' || !succeeded(event) || !ref?.resource) return;
    const prefix = `${ref.apiGroup ?? ''}/${ref.resource}/${ref.namespace ?? ''}/`;
    for (const key of [...this.objects.keys()]) if (key.startsWith(prefix)) this.objects.delete(key);
  }

  /** `group/resource/namespace/name`; a create without a name in its objectRef (generateName) is named by its response. */
  private keyOf(event: AuditEvent, stored?: JsonObject): string | undefined {
    const ref = event.objectRef;
    if (!ref?.resource || !this.resources.has(`${ref.apiGroup ?? ''}/${ref.resource}`)) return undefined;
    const metadata = stored?.['metadata'];
    const name = ref.name || (isJsonObject(metadata) && typeof metadata['name'] === 'string' ? metadata['name'] : '');
    return name ? `${ref.apiGroup ?? ''}/${ref.resource}/${ref.namespace ?? ''}/${name}` : undefined;
  }
}
