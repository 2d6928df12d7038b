// The report formats of `riskgate check` and `riskgate audit`, each a writer from the CheckReport to its text.
import type { CheckReport } from './check-report.js';
import { jsonReport } from './json-report.js';
import { junitReport } from './junit-report.js';
import { sarifReport } from './sarif-report.js';
import { textReport } from './text-report.js';

export type OutputFormat = 'text' | 'json' | 'junit' | 'sarif';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'junit', 'sarif'];

export const WRITERS: Record<OutputFormat, (report: CheckReport) => string> = { text: textReport, json: jsonReport, junit: junitReport, sarif: sarifReport };
