// One audit of a cluster: a paged LIST of every resource the rules judge on CREATE (resources side by side), each page judged as it arrives.
import type { CheckReport, CheckSettings, CheckedObject } from '../check/check-report.js';
import { namespaceObjectLabels, usesNamespaceLabels } from '../engine/namespace-labels.js';
import type { NamespaceLabels } from '../engine/namespace-labels.js';
import type { Policy } from '../engine/policy.js';
import type { LiveResource } from '../request/from-live-object.js';
import { requestRules } from '../rules/catalog.js';
import type { Rule } from '../rules/rule.js';
import { auditReport, judgeLiveObject, type AuditJudge } from './audit-report.js';
import { auditTargets } from './audit-targets.js';
import type { KubeCaller } from './kube-api.js';
import { listPages } from './live-object-list.js';

export interface AuditRequest {
  api: KubeCaller;
  /** The context name (or `in-cluster`), for the report and messages. */
  cluster: string;
  /** Names the credentials in a 401 message. */
  credentials: string;
  /** [] = every namespace (and cluster-scoped kinds); else only these namespaces. */
  namespaces: readonly string[];
  policy: Policy;
  rules: readonly Rule[];
  failOn: CheckSettings['failOn'];
  toolVersion: string;
  pageSize?: number;
}

/** The LISTs to make: per resource, across all namespaces or once per given namespace (cluster-scoped kinds only when unrestricted). */
function lists(targets: LiveResource[], namespaces: readonly string[]): Array<{ target: LiveResource; namespace?: string }> {
  if (namespaces.length === 0) return targets.map((target) => ({ target }));
  return targets.filter((t) => t.namespaced).flatMap((target) => namespaces.map((namespace) => ({ target, namespace })));
}

async function judgeAll(request: AuditRequest, target: LiveResource, namespace: string | undefined, judge: AuditJudge, into: CheckedObject[]): Promise<void> {
  const scope = { credentials: request.credentials, ...(namespace !== undefined ? { namespace } : {}), ...(request.pageSize ? { pageSize: request.pageSize } : {}) };
  for await (const page of listPages(request.api, target, scope)) {
    for (const item of page) into.push(judgeLiveObject(item, target, judge));
  }
}

const NAMESPACES: LiveResource = { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false };

/** Every Namespace's labels, listed first when the policy has namespaceLabels exemptions (they need list on namespaces). */
async function namespaceLabels(request: AuditRequest): Promise<NamespaceLabels> {
  const labels = new Map<string, Record<string, string>>();
  const scope = { credentials: request.credentials, ...(request.pageSize ? { pageSize: request.pageSize } : {}) };
  for await (const page of listPages(request.api, NAMESPACES, scope)) {
    for (const item of page) {
      const namespace = namespaceObjectLabels({ ...item, kind: 'Namespace' });
      if (namespace) labels.set(namespace.name, namespace.labels);
    }
  }
  return (name) => labels.get(name);
}

/** Lists and judges; a refusal (RBAC, credentials, unreachable API server) rejects with a RiskgateError naming the first LIST refused, in list order. */
export async function runAudit(request: AuditRequest): Promise<CheckReport> {
  const rules = requestRules(request.rules);
  const judge: AuditJudge = { cluster: request.cluster, policy: request.policy, rules };
  if (usesNamespaceLabels(request.policy)) judge.namespaceLabels = await namespaceLabels(request);
  const objects: CheckedObject[] = [];
  const namespaces = [...new Set(request.namespaces)];
  const settled = await Promise.allSettled(lists(auditTargets(rules), namespaces).map(({ target, namespace }) => judgeAll(request, target, namespace, judge, objects)));
  // The LISTs run side by side; when several are refused (bad credentials refuse them all), the first in list order is
  // named, whichever the API server answered first.
  const refused = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (refused) throw refused.reason;
  return auditReport(objects, {
    scope: { cluster: request.cluster, server: request.api.server, namespaces },
    policy: request.policy,
    rules,
    failOn: request.failOn,
    toolVersion: request.toolVersion,
  });
}
