// The pure evaluator: runs the request rules of the catalog over one normalized request and returns the findings.
import { isJsonObject } from '../request/json-value.js';
import type { ResourceRequest } from '../request/resource-request.js';
import type { RequestRule, Rule } from '../rules/rule.js';
import { compiledRequestRules } from './compiled-rule.js';
import { evaluateCondition, matchesRequest, resourceKey } from './match.js';
import { resolvePath } from './field-path.js';
import type { Finding, FindingFields, Subject } from './finding.js';
import { fillTokens } from './finding.js';
import { objectLabels } from './object-labels.js';

/**
 * The name shown for the object. request.name is empty on a CREATE with generateName: then the object's own name (the
 * API server fills it before validating admission), else `<generateName>*` (a manifest not yet named).
 */
export function displayName(request: ResourceRequest): string {
  if (request.name) return request.name;
  const metadata = request.object?.['metadata'];
  if (!isJsonObject(metadata)) return '';
  const { name, generateName } = metadata;
  if (typeof name === 'string' && name) return name;
  return typeof generateName === 'string' && generateName ? `${generateName}*` : '';
}

/** apiVersion of the resource addressed (`apps/v1`, `v1`; for pods/exec the Pod's), '' when the input does not say. */
function objectApiVersion(request: ResourceRequest): string {
  if (!request.version) return '';
  return request.group ? `${request.group}/${request.version}` : request.version;
}

/**
 * The result row of a request finding: the renamed ESCU fields (user, src_ip, user_groups) plus the object's identity
 * (object_uid only when the input carries the object's uid; the Kubernetes Event sink points its Event at it).
 */
export function requestFields(request: ResourceRequest): FindingFields {
  const fields: FindingFields = {
    user: request.user.username,
    user_groups: [...new Set(request.user.groups)].sort(),
    kind: request.kind,
    namespace: request.namespace,
    name: displayName(request),
    operation: request.operation,
    resource: resourceKey(request),
    object_api_version: objectApiVersion(request),
    uid: request.uid,
  };
  if (request.objectUid) fields['object_uid'] = request.objectUid;
  if (request.sourceIPs.length > 0) fields['src_ip'] = request.sourceIPs.length === 1 ? request.sourceIPs[0]! : [...request.sourceIPs];
  if (request.userAgent) fields['user_agent'] = request.userAgent;
  return fields;
}

/** The rule's own result-row fields (e.g. the exec command), added to the common ones; absent paths add nothing. */
export function ruleRowFields(rule: RequestRule, request: ResourceRequest, common: FindingFields): FindingFields {
  if (!rule.rowFields?.length) return common;
  const fields: FindingFields = { ...common };
  for (const { name, path, join } of rule.rowFields) {
    const values = resolvePath(request, path).map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v)));
    if (values.length === 0) continue;
    fields[name] = join !== undefined ? values.join(join) : values.length === 1 ? values[0]! : values;
  }
  return fields;
}

export function requestSubject(request: ResourceRequest): Subject {
  const subject: Subject = { namespace: request.namespace, username: request.user.username, groups: request.user.groups };
  const labels = objectLabels(request.object);
  if (labels) subject.labels = labels;
  if (request.oldObject) subject.oldLabels = objectLabels(request.oldObject) ?? {};
  if (request.namespaceLabels) subject.namespaceLabels = request.namespaceLabels;
  return subject;
}

export function ruleMatches(rule: RequestRule, request: ResourceRequest): boolean {
  return matchesRequest(rule.match, request) && (!rule.condition || evaluateCondition(rule.condition, request));
}

/** Every request rule that matches, in catalog order (rules compiled once per list). Pure: no policy, no I/O. */
export function evaluate(request: ResourceRequest, rules: readonly Rule[]): Finding[] {
  const findings: Finding[] = [];
  const resource = resourceKey(request);
  let fields: FindingFields | undefined;
  for (const { rule, matches } of compiledRequestRules(rules)) {
    if (!matches(request, resource)) continue;
    fields ??= requestFields(request);
    const row = ruleRowFields(rule, request, fields);
    findings.push({ rule, fields: row, subject: requestSubject(request), summary: fillTokens(rule.summary, row), request });
  }
  return findings;
}
