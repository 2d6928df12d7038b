// `riskgate audit --output policyreport`: the PolicyReports serve would write, as a YAML stream `kubectl apply -f -` takes.
import { stringify } from 'yaml';
import type { CheckReport } from '../check/check-report.js';
import { buildPolicyReports, DEFAULT_MAX_RESULTS } from './policy-report.js';

export function policyReportOutput(report: CheckReport, now: Date, maxResults = DEFAULT_MAX_RESULTS): string {
  const reports = buildPolicyReports(report.objects, { now, maxResults });
  return reports.map((r) => `---\n${stringify(r, { lineWidth: 0, aliasDuplicateObjects: false })}`).join('');
}
