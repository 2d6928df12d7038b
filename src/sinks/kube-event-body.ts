// The core/v1 Event riskgate writes for a deny or warn: involved object (with uid), reason, message, count and timestamps.
import { createHash } from 'node:crypto';
import type { RiskEvent } from '../outputs/risk-event.js';

export interface InvolvedObject {
  kind: string;
  namespace: string;
  name: string;
  /** `apps/v1`, `v1`… ('' when the input did not say). */
  apiVersion: string;
}

/** What `kubectl describe` matches an Event on: the uid above all (its field selector names involvedObject.uid). */
export interface EventObjectReference {
  kind: string;
  name: string;
  namespace?: string;
  apiVersion?: string;
  uid?: string;
}

export interface KubeEvent {
  metadata: { name: string; namespace: string };
  involvedObject: EventObjectReference;
  reason: string;
  message: string;
  type: 'Warning';
  action: string;
  source: { component: string };
  reportingComponent: string;
  reportingInstance: string;
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
}

export const EVENT_COMPONENT = 'riskgate';
const MAX_MESSAGE = 1024;

function field(event: RiskEvent, name: string): string {
  const value = event.fields[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

/** kubectl exec or attach (CONNECT on a Pod subresource): the request body is PodExecOptions, the Event belongs on the Pod. */
export function isPodSubresource(event: RiskEvent): boolean {
  return field(event, 'resource').startsWith('pods/');
}

/** The object the event is about: for pods/exec and pods/attach the Pod, otherwise the reviewed object. */
export function involvedObjectOf(event: RiskEvent): InvolvedObject {
  const kind = isPodSubresource(event) ? 'Pod' : field(event, 'kind');
  return { kind, namespace: field(event, 'namespace'), name: field(event, 'name'), apiVersion: field(event, 'object_api_version') };
}

/** The reviewed object's uid when the request carried it ('' for exec/attach, whose Pod the sink looks up). */
export function objectUidOf(event: RiskEvent): string {
  return field(event, 'object_uid');
}

/** Cluster-scoped objects get their Events in `default`, as Kubernetes does for Nodes. */
export function eventNamespaceOf(object: InvolvedObject): string {
  return object.namespace || 'default';
}

export function reasonOf(action: string): string {
  return action === 'deny' ? 'RiskgateDenied' : 'RiskgateWarned';
}

/**
 * A DNS-subdomain name, unique per aggregation key and window: `<object>.riskgate.<hash>`. Every writer (replicas, a
 * restarted process) derives the same name for the same key and window start, so they all count into one Event.
 */
export function eventName(object: InvolvedObject, key: string, windowStart: number): string {
  const base = (object.name || object.kind || 'object').toLowerCase().replace(/[^a-z0-9.-]/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 200) || 'object';
  const hash = createHash('sha256').update(`${key}\u0000${windowStart}`).digest('hex').slice(0, 16);
  return `${base}.riskgate.${hash}`;
}

export function eventMessage(event: RiskEvent): string {
  const verb = event.action === 'deny' ? 'denied' : 'warned';
  const message = `${verb} by rule ${event.rule_id}: ${event.summary} (user ${field(event, 'user') || 'unknown'}, risk score ${event.risk_score}, event_id ${event.event_id})`;
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message;
}

function referenceOf(object: InvolvedObject, uid: string | undefined): EventObjectReference {
  const reference: EventObjectReference = { kind: object.kind, name: object.name };
  if (object.namespace) reference.namespace = object.namespace;
  if (object.apiVersion) reference.apiVersion = object.apiVersion;
  if (uid) reference.uid = uid;
  return reference;
}

/** The Event to create; `uid` is the involved object's (absent when unknown: the Event is still listed by `kubectl get events`). */
export function kubeEventOf(event: RiskEvent, name: string, count: number, first: Date, last: Date, instance: string, uid?: string): KubeEvent {
  const object = involvedObjectOf(event);
  const involved = referenceOf(object, uid);
  return {
    metadata: { name, namespace: eventNamespaceOf(object) },
    involvedObject: involved,
    reason: reasonOf(event.action),
    message: eventMessage(event),
    type: 'Warning',
    action: event.action === 'deny' ? 'Denied' : 'Warned',
    source: { component: EVENT_COMPONENT },
    reportingComponent: EVENT_COMPONENT,
    reportingInstance: instance,
    firstTimestamp: first.toISOString(),
    lastTimestamp: last.toISOString(),
    count,
  };
}
