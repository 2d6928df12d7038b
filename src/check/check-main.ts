// Wiring of `riskgate check`: reads the policy and the manifests, runs the check, writes the report, returns the exit code.
import { parseRfc3339 } from '../engine/exemption-blocks.js';
import { expiryNotices, noticeText } from '../engine/policy-expiry.js';
import { checkUser } from '../request/from-manifest.js';
import type { ManifestOperation } from '../request/from-manifest.js';
import { RiskgateError } from '../riskgate-error.js';
import { RULES } from '../rules/catalog.js';
import type { FailOn } from './check-report.js';
import { runCheck } from './check-run.js';
import { readManifestInputs } from './manifest-inputs.js';
import { parseInputsInParallel, threadsFor } from './parallel-parse.js';
import { loadPolicy, toolVersion, writeReport } from './report-files.js';
import { WRITERS, type OutputFormat } from './report-writers.js';
import { errorLine, summaryLine } from './text-report.js';
import { usageHint } from '../cli/usage-hint.js';

export interface CheckOptions {
  policy?: string;
  user: string;
  group: string[];
  namespace: string;
  operation: ManifestOperation;
  output: OutputFormat;
  out?: string;
  failOn: FailOn;
  /** RFC 3339: judge exemption blocks as at this instant (default: now). */
  at?: string;
  /** No object found is a pass, not exit 2. */
  allowEmpty?: boolean;
}

export interface CheckIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin?: AsyncIterable<Buffer | string>;
}

/** RISKGATE_CHECK_THREADS=N fixes the number of parsing threads (benchmarks and tests); unset, threadsFor decides. */
function threadsOverride(): number | undefined {
  const value = Number(process.env['RISKGATE_CHECK_THREADS']);
  return Number.isInteger(value) && value >= 1 && value <= 16 ? value : undefined;
}

/** Runs one check; RiskgateErrors (bad policy, unwritable --out) propagate for the command to print. */
export async function checkMain(paths: readonly string[], options: CheckOptions, io: CheckIo): Promise<0 | 1 | 2> {
  const policy = loadPolicy(options.policy);
  const at = options.at === undefined ? new Date() : parseRfc3339(options.at)!;
  for (const notice of expiryNotices(policy, at)) io.stderr(`riskgate check: warning: ${noticeText(notice, at)}\n`);
  const read = await readManifestInputs(paths, io.stdin);
  const inputs = await parseInputsInParallel(read, threadsOverride() ?? threadsFor(read.length));
  const report = runCheck(inputs, {
    rules: RULES,
    policy,
    toolVersion: toolVersion(),
    now: at,
    allowEmpty: options.allowEmpty === true,
    settings: {
      operation: options.operation,
      namespace: options.namespace,
      user: checkUser(options.user, options.group),
      policy: policy.source,
      failOn: options.failOn,
    },
  });
  for (const error of report.errors) io.stderr(`${errorLine(error)}\n`);
  for (const warning of report.warnings ?? []) io.stderr(`riskgate check: warning: ${errorLine(warning)}\n`);
  if (report.empty) io.stderr(`riskgate check: ${emptyLine(report.summary.files)}\n`);
  const text = WRITERS[options.output](report);
  if (options.out === undefined) {
    io.stdout(text);
  } else {
    writeReport(options.out, text);
    io.stdout(`${summaryLine(report.summary)}\n`);
  }
  return report.exitCode;
}

/** Why a check that judged nothing fails: no manifest file at all, or files without an object. */
function emptyLine(files: number): string {
  const what = files === 0 ? 'no manifest files (.yaml, .yml, .json) found' : `no Kubernetes objects found in ${files === 1 ? '1 file' : `${files} files`} (empty documents, comments or empty Lists only)`;
  return `${what}: nothing was checked; pass --allow-empty when that is expected`;
}

function usageProblem(options: Record<string, unknown>): string | undefined {
  for (const key of ['user', 'namespace'] as const) {
    if (typeof options[key] !== 'string' || (options[key] as string).trim() === '') return `--${key} must not be empty`;
  }
  if ((options['group'] as string[]).some((g) => g.trim() === '')) return '--group must not be empty';
  if (options['at'] !== undefined && parseRfc3339(String(options['at'])) === undefined) return `--at ${JSON.stringify(options['at'])} is not an RFC 3339 time (e.g. 2026-12-01T00:00:00Z)`;
  return undefined;
}

/** The command's action: process I/O, usage checks, and every error as one line on stderr (exit 2), never a stack trace. */
export async function runCheckCommand(paths: string[], options: Record<string, unknown>): Promise<0 | 1 | 2> {
  const stderr = (text: string) => void process.stderr.write(text);
  // `riskgate check dir | head`: a reader that stops early closes the pipe; the rest of the report is not wanted.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') stderr(`riskgate check: cannot write to stdout: ${error.message}\n`);
  });
  // A library's runtime warning (process.emitWarning) is no part of a CI report: stderr carries riskgate's own lines only.
  process.removeAllListeners('warning');
  const problem = usageProblem(options);
  if (problem) {
    stderr(`riskgate check: ${problem}\n${usageHint('check')}\n`);
    return 2;
  }
  try {
    return await checkMain(paths, options as unknown as CheckOptions, { stdout: (text) => void process.stdout.write(text), stderr });
  } catch (error) {
    const message = error instanceof RiskgateError ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
    stderr(`riskgate check: ${message}\n`);
    return 2;
  }
}
