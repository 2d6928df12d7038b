// Wiring of `riskgate audit`: credentials, policy, the audit, the report (check's writers, or PolicyReports), the exit code.
import type { FailOn } from '../check/check-report.js';
import { loadPolicy, toolVersion, writeReport } from '../check/report-files.js';
import { WRITERS, type OutputFormat } from '../check/report-writers.js';
import { reportSummaryLine } from '../check/text-report.js';
import { RiskgateError } from '../riskgate-error.js';
import { RULES } from '../rules/catalog.js';
import { runAudit } from './audit-run.js';
import { KubeApi } from './kube-api.js';
import { clusterAccess, type CredentialEnvironment } from './kube-credentials.js';
import { policyReportOutput } from './policy-report-output.js';

export type AuditFormat = OutputFormat | 'policyreport';
export const AUDIT_FORMATS: readonly AuditFormat[] = ['text', 'json', 'junit', 'sarif', 'policyreport'];

export interface AuditOptions {
  kubeconfig?: string;
  context?: string;
  namespace: string[];
  policy?: string;
  output: AuditFormat;
  out?: string;
  failOn: FailOn;
}

export interface AuditIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env?: CredentialEnvironment;
  now?: () => Date;
}

/** Runs one audit; RiskgateErrors (no credentials, refused, bad policy, unwritable --out) propagate for the command to print. */
export async function auditMain(options: AuditOptions, io: AuditIo): Promise<0 | 1 | 2> {
  const policy = loadPolicy(options.policy);
  const access = clusterAccess({ ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}), ...(options.context ? { context: options.context } : {}) }, io.env);
  const api = new KubeApi(access.config, access.server);
  try {
    const report = await runAudit({
      api,
      cluster: access.cluster,
      credentials: `${access.cluster === 'in-cluster' ? 'the pod\'s service account' : `context ${access.cluster}`} (${access.from})`,
      namespaces: options.namespace,
      policy,
      rules: RULES,
      failOn: options.failOn,
      toolVersion: toolVersion(),
    });
    const text = options.output === 'policyreport' ? policyReportOutput(report, (io.now ?? (() => new Date()))()) : WRITERS[options.output](report);
    if (options.out === undefined) {
      io.stdout(text);
    } else {
      writeReport(options.out, text);
      io.stdout(`${reportSummaryLine(report)}\n`);
    }
    return report.exitCode;
  } finally {
    api.close();
  }
}

function usageProblem(options: Record<string, unknown>): string | undefined {
  if ((options['namespace'] as string[]).some((ns) => ns.trim() === '')) return '--namespace must not be empty';
  if (options['context'] !== undefined && String(options['context']).trim() === '') return '--context must not be empty';
  return undefined;
}

/** The command's action: every error as one line on stderr (exit 2), never a stack trace. */
export async function runAuditCommand(options: Record<string, unknown>): Promise<0 | 1 | 2> {
  const stderr = (text: string) => void process.stderr.write(text);
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') stderr(`riskgate audit: cannot write to stdout: ${error.message}\n`);
  });
  const problem = usageProblem(options);
  if (problem) {
    stderr(`riskgate audit: ${problem}\n`);
    return 2;
  }
  try {
    return await auditMain(options as unknown as AuditOptions, { stdout: (text) => void process.stdout.write(text), stderr });
  } catch (error) {
    const message = error instanceof RiskgateError ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
    stderr(`riskgate audit: ${message}\n`);
    return 2;
  }
}
