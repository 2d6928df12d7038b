// The check itself (no I/O): manifest texts → objects → ResourceRequests → evaluate → decide, gathered into a CheckReport (judgeRequest serves the audit too).
import { decide } from '../engine/decide.js';
import type { Decision } from '../engine/decide.js';
import { evaluate } from '../engine/evaluate.js';
import type { Finding } from '../engine/finding.js';
import { matchesRequest } from '../engine/match.js';
import { namespaceObjectLabels, withNamespaceLabels } from '../engine/namespace-labels.js';
import type { NamespaceLabels } from '../engine/namespace-labels.js';
import type { Policy } from '../engine/policy.js';
import { actionAt } from '../engine/namespace-action.js';
import { strongestAction } from '../engine/policy.js';
import { resolveKind } from '../kubernetes/kinds.js';
import { DEFAULT_CHECK_NAMESPACE, fromManifest } from '../request/from-manifest.js';
import { retiredApiVersion, retiredApiVersionNotice } from '../request/retired-api-versions.js';
import { parseManifestText } from '../request/manifest-documents.js';
import type { ManifestObject, ParsedManifest } from '../request/manifest-documents.js';
import type { ResourceRequest } from '../request/resource-request.js';
import { requestRules } from '../rules/catalog.js';
import type { RequestRule, Rule } from '../rules/rule.js';
import type { CheckReport, CheckSettings, CheckSummary, CheckedObject, FindingAction, InputError, ObjectOrigin, Outcome, ReportedFinding } from './check-report.js';
import { OUTCOME_SEVERITY } from './check-report.js';

/** One input as read by the CLI: a text to parse, or the error that kept it from being read. */
export type ManifestInput = { file: string; text: string } | { file: string; error: InputError };
/** One input after parsing (parallel-parse.ts may do that part on worker threads). */
export type ParsedInput = { file: string; parsed: ParsedManifest } | { file: string; error: InputError };

export function parseInputs(inputs: readonly ManifestInput[]): ParsedInput[] {
  return inputs.map((input) => ('error' in input ? input : { file: input.file, parsed: parseManifestText(input.text) }));
}

export interface CheckContext {
  rules: readonly Rule[];
  policy: Policy;
  settings: CheckSettings;
  toolVersion: string;
  /** The instant exemption blocks are judged at (default: now). */
  now?: Date;
  /** A check that found no object at all passes (exit 0) instead of exit 2. */
  allowEmpty?: boolean;
}

function riskScore(rule: RequestRule): number {
  return Math.max(0, ...rule.risk.riskObjects.map((r) => r.score));
}

function reported(finding: Finding, action: FindingAction, exemption?: string): ReportedFinding {
  const rule = finding.rule as RequestRule;
  const base = `${finding.summary}: ${rule.reason}`;
  return {
    rule,
    action,
    summary: finding.summary,
    message: exemption ? `${base} (exempted by ${exemption})` : base,
    ...(exemption ? { exemption } : {}),
    riskScore: riskScore(rule),
  };
}

/** Findings in catalog order, each with the action the policy gave it (off rules are left out by decide). */
function reportedFindings(findings: Finding[], decision: Decision): ReportedFinding[] {
  const byFinding = new Map<Finding, ReportedFinding>();
  for (const v of decision.verdicts) byFinding.set(v.finding, reported(v.finding, v.action));
  for (const e of decision.exempted) byFinding.set(e.finding, reported(e.finding, 'exempt', e.exemption));
  return findings.flatMap((f) => byFinding.get(f) ?? []);
}

function outcomeOf(findings: ReportedFinding[]): Outcome {
  let worst: Outcome = 'pass';
  for (const f of findings) if (OUTCOME_SEVERITY.indexOf(f.action) > OUTCOME_SEVERITY.indexOf(worst)) worst = f.action;
  return worst;
}

/**
 * Judges one request as the webhook would: the findings of the rules, each with the action the policy gives it (or the
 * exemption that applied), and which rules select the object at all. Shared by `riskgate check` and `riskgate audit`.
 */
export function judgeRequest(request: ResourceRequest, origin: ObjectOrigin, apiVersion: string, policy: Policy, rules: readonly RequestRule[], now: Date = new Date()): CheckedObject {
  const findings = evaluate(request, rules);
  const reportedList = reportedFindings(findings, decide(findings, policy, now));
  return {
    origin,
    apiVersion,
    kind: request.kind,
    namespace: request.namespace,
    name: request.name,
    // The version judged (a retired DaemonSet version counts as the apps/v1 it is judged as).
    knownKind: resolveKind(request.group ? `${request.group}/${request.version}` : request.version, request.kind).known,
    applicableRules: rules.filter((rule) => matchesRequest(rule.match, request)).map((rule) => ({ rule, action: actionAt(policy, rule.id, request.namespace) })),
    findings: reportedList,
    outcome: outcomeOf(reportedList),
  };
}

/** The notice for an object of a retired API version (judged as its replacement), or undefined. */
function retiredNotice(file: string, item: ManifestObject): InputError | undefined {
  const apiVersion = String(item.object['apiVersion']);
  const kind = String(item.object['kind']);
  const retired = retiredApiVersion(apiVersion, kind);
  if (!retired) return undefined;
  return { code: 'MANIFEST_RETIRED_API_VERSION', file, line: item.line, column: item.column, message: retiredApiVersionNotice(apiVersion, kind, retired) };
}

/**
 * The labels of every Namespace object among the inputs (the last one of a name wins), so that namespaceLabels
 * exemptions judge a chart that ships its own Namespace as the cluster would once it is applied. A namespace the input
 * does not define has unknown labels: no such exemption applies to objects in it.
 */
function namespaceLabelsOf(inputs: readonly ParsedInput[]): NamespaceLabels {
  const labels = new Map<string, Record<string, string>>();
  for (const input of inputs) {
    if ('error' in input) continue;
    for (const item of input.parsed.objects) {
      const namespace = namespaceObjectLabels(item.object);
      if (namespace) labels.set(namespace.name, namespace.labels);
    }
  }
  return (name) => labels.get(name);
}

function checkObject(file: string, item: ManifestObject, context: CheckContext, rules: readonly RequestRule[], namespaceLabels: NamespaceLabels): CheckedObject {
  const origin = { file, line: item.line, column: item.column };
  const request: ResourceRequest = fromManifest(item.object, origin, { ...context.settings, namespace: context.settings.namespace ?? DEFAULT_CHECK_NAMESPACE });
  withNamespaceLabels(request, namespaceLabels);
  return judgeRequest(request, origin, String(item.object['apiVersion']), context.policy, rules, context.now);
}

export function summarize(files: number, objects: readonly CheckedObject[], errors: readonly InputError[]): CheckSummary {
  const count = (outcome: Outcome) => objects.filter((o) => o.outcome === outcome).length;
  return {
    files,
    objects: objects.length,
    denied: count('deny'),
    warned: count('warn'),
    recorded: count('record'),
    exempted: count('exempt'),
    passed: count('pass'),
    unknownKinds: objects.filter((o) => !o.knownKind).length,
    errors: errors.length,
  };
}

/**
 * Exit code: 2 when any input could not be read or parsed (the check is incomplete, so it vouches for nothing, even
 * with denials among the objects it could read), else 1 when an object is denied (or warned, with --fail-on warn), else 0.
 */
export function exitCodeOf(summary: CheckSummary, failOn: CheckSettings['failOn']): 0 | 1 | 2 {
  if (summary.errors > 0) return 2;
  if (summary.denied > 0 || (failOn === 'warn' && summary.warned > 0)) return 1;
  return 0;
}

export function runCheck(inputs: readonly ParsedInput[], context: CheckContext): CheckReport {
  const rules = requestRules(context.rules);
  const objects: CheckedObject[] = [];
  const errors: InputError[] = [];
  const warnings: InputError[] = [];
  const files: string[] = [];
  const namespaces = namespaceLabelsOf(inputs);
  for (const input of inputs) {
    if ('error' in input) {
      errors.push(input.error);
      continue;
    }
    files.push(input.file);
    const { parsed } = input;
    for (const problem of parsed.problems) {
      errors.push({ code: problem.code, file: input.file, line: problem.line, column: problem.column, message: problem.message });
    }
    for (const item of parsed.objects) {
      objects.push(checkObject(input.file, item, context, rules, namespaces));
      const notice = retiredNotice(input.file, item);
      if (notice) warnings.push(notice);
    }
  }
  const summary = summarize(files.length, objects, errors);
  const empty = objects.length === 0 && errors.length === 0 && !context.allowEmpty;
  return {
    tool: { name: 'riskgate', version: context.toolVersion },
    settings: context.settings,
    rules: rules.map((rule) => ({ rule, action: strongestAction(context.policy.rules.get(rule.id)) })),
    files,
    objects,
    errors,
    warnings,
    summary,
    ...(empty ? { empty } : {}),
    exitCode: empty ? 2 : exitCodeOf(summary, context.settings.failOn),
  };
}
