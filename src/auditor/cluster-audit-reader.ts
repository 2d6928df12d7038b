// The auditor view's read of riskgate's PolicyReports (serve --audit-interval): any replica reads what the leader wrote, at most every 30 s, with a deadline.
import { KubeApi } from '../cluster-audit/kube-api.js';
import { clusterAccess } from '../cluster-audit/kube-credentials.js';
import type { PolicyReport } from '../cluster-audit/policy-report.js';
import { PolicyReportStore } from '../cluster-audit/policy-report-store.js';

const TTL_MS = 30_000;
const DEADLINE_MS = 3_000;

/** The reports, or why they could not be read (no CRDs, RBAC, API server unreachable). */
export type ClusterAuditRead = { reports: PolicyReport[]; readAt: Date } | { error: string };

export interface ClusterAuditSource {
  read(): Promise<ClusterAuditRead>;
}

export class PolicyReportReader implements ClusterAuditSource {
  private cached: { value: ClusterAuditRead; at: number } | undefined;
  private pending: Promise<ClusterAuditRead> | undefined;

  constructor(
    private readonly list: () => Promise<PolicyReport[]>,
    private readonly now: () => number = Date.now,
  ) {}

  /** With riskgate's own credentials, found as the audit finds them (the pod's ServiceAccount in a cluster). */
  static fromEnvironment(): PolicyReportReader {
    const access = clusterAccess({});
    const store = new PolicyReportStore(new KubeApi(access.config, access.server, { timeoutMs: DEADLINE_MS, maxSockets: 2 }), () => false);
    return new PolicyReportReader(async () => [...(await store.current()).values()]);
  }

  async read(): Promise<ClusterAuditRead> {
    if (this.cached && this.now() - this.cached.at < TTL_MS) return this.cached.value;
    this.pending ??= this.fetch().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetch(): Promise<ClusterAuditRead> {
    let value: ClusterAuditRead;
    try {
      value = { reports: await this.list(), readAt: new Date(this.now()) };
    } catch (error) {
      value = { error: (error as Error).message };
    }
    this.cached = { value, at: this.now() };
    return value;
  }
}
