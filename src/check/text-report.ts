// Text report: one line per finding (`file:line: kind/namespace/name rule action message`) and a summary line.
import type { CheckReport, CheckSummary } from './check-report.js';
import { errorLocation, objectLabel } from './check-report.js';
import type { InputError } from './check-report.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summaryLine(summary: CheckSummary): string {
  const unknown = summary.unknownKinds > 0 ? ` (${summary.unknownKinds} of a kind without rules)` : '';
  return (
    `riskgate check: ${plural(summary.objects, 'object')} in ${plural(summary.files, 'file')}: ` +
    `${summary.denied} denied, ${summary.warned} warned, ${summary.recorded} recorded, ${summary.exempted} exempted, ` +
    `${summary.passed} passed${unknown}; ${plural(summary.errors, 'input error')}`
  );
}

/** `file:line:column: message`, the line printed on stderr for every input error. */
export function errorLine(error: InputError): string {
  return `${errorLocation(error)}: ${error.message}`;
}

export function textReport(report: CheckReport): string {
  const lines: string[] = [];
  for (const object of report.objects) {
    for (const f of object.findings) {
      lines.push(`${object.file}:${object.line}: ${objectLabel(object)} ${f.rule.id} ${f.action} ${f.message}`);
    }
  }
  lines.push(summaryLine(report.summary));
  return `${lines.join('\n')}\n`;
}
