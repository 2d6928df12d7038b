// SARIF 2.1.0 report for GitHub code scanning: the catalog's rules (help, ESCU links) and one result per finding, at file:line (an audit's at the object's API path under the server's URL).
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Action } from '../engine/policy.js';
import type { RequestRule } from '../rules/rule.js';
import type { CheckReport, CheckedObject, FindingAction, InputError, ReportedFinding } from './check-report.js';
import { isLiveOrigin, objectLabel } from './check-report.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

type SarifLevel = 'error' | 'warning' | 'note' | 'none';

/** deny → error, warn → warning, record → note; an off rule is `none` (and disabled). */
export function sarifLevel(action: Action | FindingAction): SarifLevel {
  if (action === 'deny') return 'error';
  if (action === 'warn') return 'warning';
  if (action === 'off') return 'none';
  return 'note';
}

/** A relative path as a relative URI reference (GitHub resolves it against the checkout); absolute paths as file: URIs. */
export function artifactUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file.split(/[\\/]/).map(encodeURIComponent).join('/');
}

function pascalCase(id: string): string {
  return id.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

function helpText(rule: RequestRule): { text: string; markdown: string } {
  const escu = `${rule.escu.isSeed ? 'Implements' : 'Extends'} the Splunk ESCU detection "${rule.escu.name}" (${rule.escu.id}, v${rule.escu.version})`;
  const exempt = 'To allow it, exempt the namespace, user, group, service account or object labels in the riskgate policy, or set the rule to warn, record or off.';
  return {
    text: `${rule.description}\n\nWhy it matters: ${rule.reason}.\n\n${escu}: ${rule.escu.url}\n\n${exempt}`,
    markdown: `${rule.description}\n\n**Why it matters:** ${rule.reason}.\n\n${escu}: [${rule.escu.name}](${rule.escu.url}).\n\n${exempt}`,
  };
}

function sarifRule(rule: RequestRule, action: Action) {
  const score = Math.max(0, ...rule.risk.riskObjects.map((r) => r.score));
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: rule.name },
    fullDescription: { text: rule.description },
    help: helpText(rule),
    helpUri: rule.escu.url,
    defaultConfiguration: { level: sarifLevel(action), enabled: action !== 'off' },
    properties: {
      tags: ['security', 'kubernetes', ...rule.risk.mitreAttack.map((t) => `external/mitre-attack/${t}`)],
      // GitHub code scanning ranks security alerts by this 0–10 score; riskgate's RBA scores are 0–100.
      'security-severity': (Math.min(100, score) / 10).toFixed(1),
      action,
      escu: { id: rule.escu.id, name: rule.escu.name, version: rule.escu.version, url: rule.escu.url, isSeed: rule.escu.isSeed },
      mitreAttack: [...rule.risk.mitreAttack],
      riskScore: score,
    },
  };
}

function location(file: string, line: number | undefined, column: number | undefined) {
  const region = line === undefined ? {} : { region: { startLine: line, startColumn: column ?? 1 } };
  return { physicalLocation: { artifactLocation: { uri: artifactUri(file) }, ...region } };
}

/** The base URI an audit's API paths are relative to (run.originalUriBaseIds). */
export const API_SERVER_BASE_ID = 'KUBERNETES_API_SERVER';

function objectLocation(object: CheckedObject) {
  const { origin } = object;
  if (!isLiveOrigin(origin)) return location(origin.file, origin.line, origin.column);
  return { physicalLocation: { artifactLocation: { uri: origin.path.replace(/^\//, ''), uriBaseId: API_SERVER_BASE_ID } } };
}

function result(object: CheckedObject, finding: ReportedFinding, ruleIndex: number) {
  return {
    ruleId: finding.rule.id,
    ruleIndex,
    level: sarifLevel(finding.action === 'exempt' ? 'record' : finding.action),
    message: { text: `${objectLabel(object)}: ${finding.message}` },
    locations: [
      {
        ...objectLocation(object),
        logicalLocations: [{ name: object.name || object.kind, fullyQualifiedName: objectLabel(object), kind: 'object' }],
      },
    ],
    // An exempted finding is reported as suppressed: GitHub lists it as closed, with the exemption as justification.
    ...(finding.exemption ? { suppressions: [{ kind: 'external', justification: `exempted by ${finding.exemption}` }] } : {}),
    properties: {
      action: finding.action,
      apiVersion: object.apiVersion,
      kind: object.kind,
      namespace: object.namespace,
      name: object.name,
      riskScore: finding.riskScore,
      ...(isLiveOrigin(object.origin) ? { uid: object.origin.uid, resourceVersion: object.origin.resourceVersion } : {}),
    },
  };
}

function notification(error: InputError) {
  return { level: 'error', descriptor: { id: error.code }, message: { text: error.message }, locations: [location(error.file, error.line, error.column)] };
}

/** An absolute URI ending in `/`, as SARIF wants for a base. */
function serverBase(server: string): string {
  return server.endsWith('/') ? server : `${server}/`;
}

export function toSarif(report: CheckReport) {
  const index = new Map(report.rules.map(({ rule }, i) => [rule.id, i]));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: report.tool.name, version: report.tool.version, rules: report.rules.map(({ rule, action }) => sarifRule(rule, action)) } },
        invocations: [
          {
            executionSuccessful: report.errors.length === 0 && !report.empty,
            exitCode: report.exitCode,
            toolExecutionNotifications: report.errors.map(notification),
          },
        ],
        // Columns come from JavaScript string offsets.
        columnKind: 'utf16CodeUnits',
        ...(report.audit ? { originalUriBaseIds: { [API_SERVER_BASE_ID]: { uri: serverBase(report.audit.server), description: { text: `the API server of ${report.audit.cluster}` } } } } : {}),
        results: report.objects.flatMap((o) => o.findings.map((f) => result(o, f, index.get(f.rule.id) ?? -1))),
      },
    ],
  };
}

export function sarifReport(report: CheckReport): string {
  return `${JSON.stringify(toSarif(report), null, 2)}\n`;
}
