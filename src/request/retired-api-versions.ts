// API versions of ruled kinds that the API server no longer serves, each with the version a manifest of it is judged as.

export interface RetiredApiVersion {
  /** The served apiVersion the object is judged as. */
  current: string;
  /** The Kubernetes minor release that stopped serving it. */
  removedIn: string;
}

/** `apiVersion kind` → what replaced it (the DaemonSet spec kept its shape in apps/v1). */
const RETIRED: ReadonlyMap<string, RetiredApiVersion> = new Map([
  ['extensions/v1beta1 DaemonSet', { current: 'apps/v1', removedIn: '1.16' }],
  ['apps/v1beta2 DaemonSet', { current: 'apps/v1', removedIn: '1.16' }],
]);

/** What replaced this apiVersion of this kind, or undefined when it is still served (or riskgate has no rule for the kind). */
export function retiredApiVersion(apiVersion: string, kind: string): RetiredApiVersion | undefined {
  return RETIRED.get(`${apiVersion} ${kind}`);
}

/** The line saying how a retired version was judged. */
export function retiredApiVersionNotice(apiVersion: string, kind: string, retired: RetiredApiVersion): string {
  return `${kind} ${apiVersion} is no longer served (removed in Kubernetes ${retired.removedIn}): judged as ${retired.current}; the API server refuses ${apiVersion}, write ${retired.current}`;
}
