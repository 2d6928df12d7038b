// Text report: one line per finding (`file:line: kind/namespace/name rule action message`, or `namespace/kind/name …` for live objects) and a summary line.
import type { CheckReport, CheckSummary, CheckedObject } from './check-report.js';
import { errorLocation, isLiveOrigin, objectLabel } from './check-report.js';
import type { InputError } from './check-report.js';
import { terminalText } from '../outputs/terminal-text.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function counts(summary: CheckSummary): string {
  const unknown = summary.unknownKinds > 0 ? ` (${summary.unknownKinds} of a kind without rules)` : '';
  return `${summary.denied} denied, ${summary.warned} warned, ${summary.recorded} recorded, ${summary.exempted} exempted, ${summary.passed} passed${unknown}`;
}

export function summaryLine(summary: CheckSummary): string {
  return `riskgate check: ${plural(summary.objects, 'object')} in ${plural(summary.files, 'file')}: ${counts(summary)}; ${plural(summary.errors, 'input error')}`;
}

/** `riskgate audit: 12 objects in 3 namespaces of kind-dev: 1 denied, …` */
export function auditSummaryLine(summary: CheckSummary, cluster: string): string {
  return `riskgate audit: ${plural(summary.objects, 'object')} in ${plural(summary.namespaces ?? 0, 'namespace')} of ${cluster}: ${counts(summary)}`;
}

/** The report's closing line: the check's or the audit's. */
export function reportSummaryLine(report: CheckReport): string {
  return report.audit ? auditSummaryLine(report.summary, report.audit.cluster) : summaryLine(report.summary);
}

/** `file:line:column: message`, the line printed on stderr for every input error. */
export function errorLine(error: InputError): string {
  return terminalText(`${errorLocation(error)}: ${error.message}`);
}

function findingPrefix(object: CheckedObject): string {
  return isLiveOrigin(object.origin) ? objectLabel(object) : `${object.origin.file}:${object.origin.line}: ${objectLabel(object)}`;
}

export function textReport(report: CheckReport): string {
  const lines: string[] = [];
  for (const object of report.objects) {
    for (const f of object.findings) lines.push(terminalText(`${findingPrefix(object)} ${f.rule.id} ${f.action} ${f.message}`));
  }
  lines.push(terminalText(reportSummaryLine(report)));
  return `${lines.join('\n')}\n`;
}
