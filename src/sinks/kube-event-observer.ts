// What the Kubernetes Event sink reports besides drops and delivery failures: Event writes by outcome and failed Pod uid lookups, for metrics.
export type EventWriteOutcome = 'created' | 'updated' | 'failed';

export interface KubeEventObserver {
  /** One write of an Event ended: a new Event, a raised count (on an Event this or another writer made), or a failure. */
  eventWritten(outcome: EventWriteOutcome): void;
  /** A Pod's uid could not be read for an exec/attach Event (`reason`: http-404, http-403, timeout…); the Event goes out without it. */
  uidLookupFailed(reason: string): void;
}

export const IGNORE_KUBE_EVENTS: KubeEventObserver = {
  eventWritten: () => {},
  uidLookupFailed: () => {},
};
