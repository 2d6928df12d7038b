// The audit's judgement (pure): each live object as a CREATE through the same engine and policy as the webhook, gathered into the report `check` writes.
import { withNamespaceLabels } from '../engine/namespace-labels.js';
import type { NamespaceLabels } from '../engine/namespace-labels.js';
import type { AuditScope, CheckReport, CheckSettings, CheckedObject, LiveOrigin } from '../check/check-report.js';
import { exitCodeOf, judgeRequest, summarize } from '../check/check-run.js';
import type { Policy } from '../engine/policy.js';
import { actionOf } from '../engine/policy.js';
import { AUDIT_USER, apiVersionOf, fromLiveObject, type LiveResource } from '../request/from-live-object.js';
import type { JsonObject } from '../request/json-value.js';
import type { RequestRule } from '../rules/rule.js';
import { objectPath } from './audit-targets.js';

export interface AuditJudge {
  cluster: string;
  policy: Policy;
  rules: readonly RequestRule[];
  /** Namespace labels listed before the audit, for namespaceLabels exemptions (absent: the policy names none). */
  namespaceLabels?: NamespaceLabels;
}

function metadataOf(item: JsonObject): Record<string, unknown> {
  const metadata = item['metadata'];
  return typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) ? metadata : {};
}

/** One LIST item, judged as if it were created now. */
export function judgeLiveObject(item: JsonObject, target: LiveResource, judge: AuditJudge): CheckedObject {
  const request = fromLiveObject(item, target, AUDIT_USER);
  withNamespaceLabels(request, judge.namespaceLabels);
  const metadata = metadataOf(item);
  const origin: LiveOrigin = {
    cluster: judge.cluster,
    path: objectPath(target, request.namespace, request.name),
    uid: typeof metadata['uid'] === 'string' ? metadata['uid'] : '',
    resourceVersion: typeof metadata['resourceVersion'] === 'string' ? metadata['resourceVersion'] : '',
  };
  return judgeRequest(request, origin, apiVersionOf(target), judge.policy, judge.rules);
}

/** Namespace, then kind, then name: the order every writer lists an audit in. */
export function byPlace(a: CheckedObject, b: CheckedObject): number {
  return a.namespace.localeCompare(b.namespace) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name);
}

export interface AuditReportContext {
  scope: AuditScope;
  policy: Policy;
  rules: readonly RequestRule[];
  failOn: CheckSettings['failOn'];
  toolVersion: string;
}

/** The report of an audit: exit code 1 on a would-be denial (or warning with --fail-on warn), 0 otherwise. */
export function auditReport(objects: CheckedObject[], context: AuditReportContext): CheckReport {
  objects.sort(byPlace);
  const summary = { ...summarize(0, objects, []), namespaces: new Set(objects.map((o) => o.namespace).filter((ns) => ns !== '')).size };
  return {
    tool: { name: 'riskgate', version: context.toolVersion },
    settings: { operation: 'CREATE', user: AUDIT_USER, policy: context.policy.source, failOn: context.failOn },
    audit: context.scope,
    rules: context.rules.map((rule) => ({ rule, action: actionOf(context.policy, rule.id) })),
    files: [],
    objects,
    errors: [],
    summary,
    exitCode: exitCodeOf(summary, context.failOn),
  };
}
