// `serve --audit-interval`: the leader replica audits the cluster now and then every interval (and on a policy change), and writes the PolicyReports.
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { toolVersion } from '../check/report-files.js';
import type { Policy } from '../engine/policy.js';
import { RiskgateError } from '../riskgate-error.js';
import type { Rule } from '../rules/rule.js';
import { runAudit } from './audit-run.js';
import { KubeApi } from './kube-api.js';
import { clusterAccess, SERVICE_ACCOUNT_NAMESPACE } from './kube-credentials.js';
import { LeaderLease } from './leader-lease.js';
import { buildPolicyReports, LEFT_OUT_ANNOTATION, type PolicyReport } from './policy-report.js';
import { PolicyReportStore } from './policy-report-store.js';

/** After a failed run, the next try comes this soon (or at the interval, if shorter). */
const RETRY_AFTER_FAILURE_MS = 60_000;

export interface ClusterAuditSettings {
  intervalMs: number;
  leaseName: string;
  /** riskgate's namespace, where the Lease lives (default: the pod's own). */
  namespace?: string;
  leaseDurationSeconds: number;
  maxResults: number;
}

export interface ClusterAuditDeps {
  logger: Logger;
  rules: readonly Rule[];
  policy(): Policy;
  onPolicyChange(listener: (policy: Policy) => void): void;
}

export interface RunningClusterAudit {
  /** Whether this replica holds the Lease (and so audits). */
  leads(): boolean;
  /** Stops the schedule, waits for a run in progress, hands the lease back. */
  stop(): Promise<void>;
}

const OFF: RunningClusterAudit = { leads: () => false, stop: async () => {} };

function podNamespace(): string {
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim();
  } catch {
    throw new RiskgateError('USAGE', `--audit-interval needs --namespace, the namespace of riskgate's Lease (not running in a pod: ${SERVICE_ACCOUNT_NAMESPACE} is not readable)`);
  }
}

function totals(reports: readonly PolicyReport[]): Record<string, number> {
  const sum: Record<string, number> = { fail: 0, warn: 0, skip: 0, pass: 0, leftOut: 0 };
  for (const r of reports) {
    for (const key of ['fail', 'warn', 'skip', 'pass'] as const) sum[key]! += r.summary[key];
    sum['leftOut']! += Number(r.metadata.annotations[LEFT_OUT_ANNOTATION] ?? 0);
  }
  return sum;
}

/**
 * Starts the election and the schedule. The audit never stands in the webhook's way: without credentials or a
 * namespace it stays off (logged as an error), and a failed run is logged and tried again.
 */
export async function startClusterAudit(settings: ClusterAuditSettings, deps: ClusterAuditDeps): Promise<RunningClusterAudit> {
  const { logger } = deps;
  let access: ReturnType<typeof clusterAccess>;
  let namespace: string;
  try {
    access = clusterAccess({});
    namespace = settings.namespace ?? podNamespace();
  } catch (error) {
    if (!(error instanceof RiskgateError)) throw error;
    logger.error({ reason: error.message }, 'cluster audit off: --audit-interval was given, but there is no cluster to audit');
    return OFF;
  }
  const api = new KubeApi(access.config, access.server);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const lease: LeaderLease = new LeaderLease({
    api,
    namespace,
    name: settings.leaseName,
    durationSeconds: settings.leaseDurationSeconds,
    log: logger,
    onStartedLeading: () => schedule(0),
    onStoppedLeading: () => clearTimeout(timer),
  });
  const store = new PolicyReportStore(api, () => lease.isLeader() && !stopped);

  async function auditOnce(): Promise<boolean> {
    const started = Date.now();
    try {
      const report = await runAudit({ api, cluster: access.cluster, credentials: `riskgate's credentials (${access.from})`, namespaces: [], policy: deps.policy(), rules: deps.rules, failOn: 'deny', toolVersion: toolVersion() });
      const stored = await store.current();
      const reports = buildPolicyReports(report.objects, { now: new Date(), maxResults: settings.maxResults, previous: stored });
      const written = await store.write(reports, stored);
      logger.info({ objects: report.summary.objects, namespaces: report.summary.namespaces, results: totals(reports), reports: written, durationMs: Date.now() - started }, 'cluster audit: PolicyReports written');
      return true;
    } catch (error) {
      logger.warn({ reason: (error as Error).message, durationMs: Date.now() - started }, 'cluster audit failed');
      return false;
    }
  }

  function schedule(delayMs: number): void {
    clearTimeout(timer);
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    timer = setTimeout(() => {
      if (!lease.isLeader() || stopped) return;
      running = auditOnce().then((ok) => {
        running = undefined;
        const next = again ? 0 : ok ? settings.intervalMs : Math.min(settings.intervalMs, RETRY_AFTER_FAILURE_MS);
        again = false;
        if (lease.isLeader()) schedule(next);
      });
    }, delayMs);
  }

  deps.onPolicyChange(() => {
    if (lease.isLeader()) schedule(0);
  });
  lease.start();
  logger.info({ intervalMs: settings.intervalMs, lease: `${namespace}/${settings.leaseName}`, identity: lease.identity, cluster: access.cluster, server: access.server }, 'cluster audit: electing the replica that audits');
  return {
    leads: () => lease.isLeader(),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await lease.stop();
      api.close();
    },
  };
}
