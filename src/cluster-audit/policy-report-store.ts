// The PolicyReports in the cluster: read riskgate's own, then create, replace in place (under resourceVersion) or delete each, never duplicating one.
import { isJsonObject } from '../request/json-value.js';
import { RiskgateError } from '../riskgate-error.js';
import { refusal, unreachable } from './api-refusal.js';
import type { KubeCaller, KubeResponse } from './kube-api.js';
import { MANAGED_BY, REPORT_NAME, reportChanged, type PolicyReport } from './policy-report.js';

const GROUP_PATH = '/apis/wgpolicyk8s.io/v1alpha2';
const SELECTOR = new URLSearchParams({
  labelSelector: Object.entries(MANAGED_BY).map(([k, v]) => `${k}=${v}`).join(','),
  fieldSelector: `metadata.name=${REPORT_NAME}`,
}).toString();
/** Tries of a replace that meets 409 Conflict (someone changed the report since it was read). */
const MAX_TRIES = 3;

export interface WriteCounts {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
}

/** The reports riskgate wrote before, by namespace ('' for the ClusterPolicyReport). */
export type StoredReports = Map<string, PolicyReport>;

function collectionPath(report: Pick<PolicyReport, 'kind' | 'metadata'>): string {
  return report.kind === 'ClusterPolicyReport' ? `${GROUP_PATH}/clusterpolicyreports` : `${GROUP_PATH}/namespaces/${encodeURIComponent(report.metadata.namespace ?? '')}/policyreports`;
}

function itemPath(report: Pick<PolicyReport, 'kind' | 'metadata'>): string {
  return `${collectionPath(report)}/${encodeURIComponent(report.metadata.name)}`;
}

function label(report: Pick<PolicyReport, 'kind' | 'metadata'>): string {
  return report.kind === 'ClusterPolicyReport' ? `ClusterPolicyReport ${report.metadata.name}` : `PolicyReport ${report.metadata.namespace}/${report.metadata.name}`;
}

function asReport(value: unknown): PolicyReport | undefined {
  if (!isJsonObject(value) || !isJsonObject(value['metadata'])) return undefined;
  return value as unknown as PolicyReport;
}

/** Keeps what others put on the stored report (labels, annotations) and its resourceVersion; the rest is riskgate's. */
function replacement(current: PolicyReport, next: PolicyReport): PolicyReport {
  return {
    ...next,
    metadata: {
      ...next.metadata,
      labels: { ...(current.metadata.labels ?? {}), ...next.metadata.labels },
      annotations: { ...(current.metadata.annotations ?? {}), ...next.metadata.annotations },
      ...(current.metadata.resourceVersion ? { resourceVersion: current.metadata.resourceVersion } : {}),
    },
  };
}

export class PolicyReportStore {
  constructor(
    private readonly api: KubeCaller,
    /** Checked before every write: only the leader writes. */
    private readonly mayWrite: () => boolean = () => true,
  ) {}

  private async call(method: string, path: string, what: string, body?: unknown): Promise<KubeResponse> {
    try {
      return await this.api.call(method, path, body);
    } catch (error) {
      throw unreachable(what, error);
    }
  }

  private async listed(path: string, what: string): Promise<PolicyReport[]> {
    const response = await this.call('GET', `${path}?${SELECTOR}`, what);
    if (response.status === 404) throw new RiskgateError('POLICY_REPORT_CRDS', `${what}: the PolicyReport CRDs (wgpolicyk8s.io/v1alpha2) are not installed (the chart's crds/ holds them)`);
    if (response.status !== 200) throw refusal(what, response, 'riskgate\'s service account');
    const items = isJsonObject(response.body) && Array.isArray(response.body['items']) ? response.body['items'] : [];
    return items.map(asReport).filter((r): r is PolicyReport => r !== undefined);
  }

  /** riskgate's reports as they are now (one LIST of PolicyReports across namespaces, one of ClusterPolicyReports). */
  async current(): Promise<StoredReports> {
    const [namespaced, cluster] = await Promise.all([
      this.listed(`${GROUP_PATH}/policyreports`, 'list policyreports.wgpolicyk8s.io in all namespaces'),
      this.listed(`${GROUP_PATH}/clusterpolicyreports`, 'list clusterpolicyreports.wgpolicyk8s.io'),
    ]);
    const stored: StoredReports = new Map();
    for (const report of namespaced) stored.set(report.metadata.namespace ?? '', { ...report, kind: 'PolicyReport' });
    for (const report of cluster) stored.set('', { ...report, kind: 'ClusterPolicyReport' });
    return stored;
  }

  /** Writes `next` over `stored`: unchanged reports are left alone, reports of namespaces with nothing left are deleted. */
  async write(next: readonly PolicyReport[], stored: StoredReports): Promise<WriteCounts> {
    const counts: WriteCounts = { created: 0, updated: 0, unchanged: 0, deleted: 0 };
    const wanted = new Set(next.map((r) => r.metadata.namespace ?? ''));
    for (const report of next) {
      const current = stored.get(report.metadata.namespace ?? '');
      if (current && !reportChanged(current, report)) counts.unchanged += 1;
      else if ((await this.upsert(report, current)) === 'created') counts.created += 1;
      else counts.updated += 1;
    }
    for (const [namespace, report] of stored) {
      if (wanted.has(namespace)) continue;
      await this.remove(report);
      counts.deleted += 1;
    }
    return counts;
  }

  private guard(what: string): void {
    if (!this.mayWrite()) throw new RiskgateError('NOT_LEADER', `${what}: this replica no longer leads; the new leader writes the reports`);
  }

  private async upsert(report: PolicyReport, current: PolicyReport | undefined): Promise<'created' | 'updated'> {
    let base = current;
    for (let tries = 0; tries < MAX_TRIES; tries++) {
      if (!base) {
        this.guard(`create ${label(report)}`);
        const created = await this.call('POST', collectionPath(report), `create ${label(report)}`, report);
        if (created.status === 201 || created.status === 200) return 'created';
        if (created.status !== 409) throw refusal(`create ${label(report)}`, created, 'riskgate\'s service account');
      } else {
        this.guard(`update ${label(report)}`);
        const updated = await this.call('PUT', itemPath(report), `update ${label(report)}`, replacement(base, report));
        if (updated.status === 200) return 'updated';
        if (updated.status !== 409 && updated.status !== 404) throw refusal(`update ${label(report)}`, updated, 'riskgate\'s service account');
      }
      base = await this.read(report);
    }
    throw new RiskgateError('POLICY_REPORT_CONFLICT', `write ${label(report)}: changed by someone else ${MAX_TRIES} times in a row`);
  }

  private async read(report: PolicyReport): Promise<PolicyReport | undefined> {
    const response = await this.call('GET', itemPath(report), `read ${label(report)}`);
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw refusal(`read ${label(report)}`, response, 'riskgate\'s service account');
    return asReport(response.body);
  }

  private async remove(report: PolicyReport): Promise<void> {
    this.guard(`delete ${label(report)}`);
    const preconditions = report.metadata.resourceVersion ? { preconditions: { resourceVersion: report.metadata.resourceVersion } } : {};
    const body = { apiVersion: 'v1', kind: 'DeleteOptions', ...preconditions };
    const response = await this.call('DELETE', itemPath(report), `delete ${label(report)}`, body);
    if (response.status === 200 || response.status === 202 || response.status === 404 || response.status === 409) return;
    throw refusal(`delete ${label(report)}`, response, 'riskgate\'s service account');
  }
}
