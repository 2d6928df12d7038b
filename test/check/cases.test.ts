// Tests as data: each folder of test/cases/check is manifests + policy + flags → expected findings, exit code, stderr and report checks.
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { XMLValidator } from 'fast-xml-parser';
import { parse } from 'yaml';
import { JSON_REPORT_SCHEMA } from '../../src/check/json-report-schema.js';
import type { CliResult } from './cli-run.js';
import { REPO, inBatches, requireBuiltCli, runCli } from './cli-run.js';
import type { Format, JunitCase } from './report-findings.js';
import { findingsOf, parseJunit, summaryFromLine } from './report-findings.js';
import { sarifValidator } from './sarif-schema.js';

const CASES = join(REPO, 'test', 'cases', 'check');

interface SarifExpectation {
  levels?: string[];
  suppressed?: boolean[];
  executionSuccessful?: boolean;
  notifications?: string[];
}

interface RunSpec {
  args: string[];
  stdin?: string;
  exitCode: number;
  stdout?: string;
  stderr?: string[];
  stderrMatches?: string[];
  outFile?: string;
  findings?: string[];
  summary?: Record<string, number>;
  json?: Record<string, unknown>;
  junit?: { tests: number; failures: number; errors: number; skipped: number; testcases?: string[] };
  sarif?: SarifExpectation;
}

interface CaseSpec extends Partial<RunSpec> {
  description: string;
  setup?: { symlinks?: Array<{ path: string; target: string }> };
  runs?: RunSpec[];
}

interface Run {
  title: string;
  caseName: string;
  spec: RunSpec;
  result: CliResult;
  report: string;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ allErrors: true });
addFormats(ajv);
const validateJsonReport = ajv.compile(JSON_REPORT_SCHEMA);

const caseNames = readdirSync(CASES).sort();
const tempDirs: string[] = [];

function prepare(caseName: string, spec: CaseSpec): string {
  const dir = mkdtempSync(join(tmpdir(), `riskgate-check-${caseName}-`));
  tempDirs.push(dir);
  cpSync(join(CASES, caseName), dir, { recursive: true });
  for (const link of spec.setup?.symlinks ?? []) symlinkSync(link.target, join(dir, link.path));
  return dir;
}

function runsOf(caseName: string): Array<{ caseName: string; dir: string; spec: RunSpec; index: number }> {
  const spec = parse(readFileSync(join(CASES, caseName, 'case.yaml'), 'utf8')) as CaseSpec;
  const dir = prepare(caseName, spec);
  const runs = spec.runs ?? [spec as RunSpec];
  return runs.map((run, index) => ({ caseName, dir, spec: run, index }));
}

function formatOf(args: string[]): Format {
  const i = args.findIndex((arg) => arg === '--output' || arg === '-o');
  return i >= 0 ? (args[i + 1] as Format) : 'text';
}

function junitCaseLine(c: JunitCase): string {
  if (c.failure) return `${c.name}: failure ${c.failure.type}`;
  if (c.error) return `${c.name}: error ${c.error.type}`;
  if (c.skipped) return `${c.name}: skipped`;
  return `${c.name}: pass`;
}

let runs: Run[] = [];

beforeAll(async () => {
  requireBuiltCli();
  const planned = caseNames.flatMap(runsOf);
  runs = await inBatches(planned, 3, async ({ caseName, dir, spec, index }) => {
    const stdin = spec.stdin ?? (parse(readFileSync(join(CASES, caseName, 'case.yaml'), 'utf8')) as CaseSpec).stdin;
    const result = await runCli(['check', ...spec.args], dir, stdin ? readFileSync(join(dir, stdin), 'utf8') : '');
    const outFile = spec.outFile ?? (parse(readFileSync(join(CASES, caseName, 'case.yaml'), 'utf8')) as CaseSpec).outFile;
    const report = outFile && result.code !== 2 ? readFileSync(join(dir, outFile), 'utf8') : result.stdout;
    return { title: `${caseName} #${index + 1}: check ${spec.args.join(' ')}`, caseName, spec, result, report };
  });
}, 120_000);

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('riskgate check cases (test/cases/check)', () => {
  test('every case folder has a case.yaml with a description', () => {
    expect(caseNames.length).toBeGreaterThanOrEqual(20);
    for (const name of caseNames) expect((parse(readFileSync(join(CASES, name, 'case.yaml'), 'utf8')) as CaseSpec).description).toBeTruthy();
  });

  test.each(caseNames)('%s', (caseName) => {
    const caseRuns = runs.filter((r) => r.caseName === caseName);
    expect(caseRuns.length).toBeGreaterThan(0);
    for (const run of caseRuns) checkRun(run);
  });
});

function checkRun({ title, spec, result, report }: Run): void {
  const context = `${title}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`;
  const expectIn = <T>(actual: T) => expect({ context, actual });
  expectIn(result.code).toEqual({ context, actual: spec.exitCode });
  // Never a stack trace, whatever went wrong.
  expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  if (spec.stdout !== undefined) expectIn(result.stdout).toEqual({ context, actual: spec.stdout });
  if (spec.stderr !== undefined) expectIn(result.stderr).toEqual({ context, actual: spec.stderr.map((l) => `${l}\n`).join('') });
  for (const pattern of spec.stderrMatches ?? []) expectIn(new RegExp(pattern, 'm').test(result.stderr)).toEqual({ context, actual: true });
  if (spec.findings === undefined) return;
  const format = formatOf(spec.args);
  expectIn(findingsOf(format, report)).toEqual({ context, actual: spec.findings });
  checkFormat(format, spec, report, context);
}

function checkFormat(format: Format, spec: RunSpec, report: string, context: string): void {
  if (format === 'text' && spec.summary) {
    const last = report.trimEnd().split('\n').pop() ?? '';
    expect({ context, summary: summaryFromLine(last) }).toEqual({ context, summary: spec.summary });
  }
  if (format === 'json') {
    const parsed = JSON.parse(report) as Record<string, unknown>;
    expect({ context, valid: validateJsonReport(parsed), errors: validateJsonReport.errors ?? null }).toEqual({ context, valid: true, errors: null });
    if (spec.summary) expect(parsed['summary']).toEqual(spec.summary);
    if (spec.json) expect(parsed).toMatchObject(spec.json);
  }
  if (format === 'junit') checkJunit(spec, report);
  if (format === 'sarif') checkSarif(spec.sarif, report, context);
}

function checkJunit(spec: RunSpec, report: string): void {
  expect(XMLValidator.validate(report)).toBe(true);
  const doc = parseJunit(report);
  const cases = doc.testsuites.testsuite.flatMap((s) => s.testcase);
  const total = { tests: cases.length, failures: cases.filter((c) => c.failure).length, errors: cases.filter((c) => c.error).length, skipped: cases.filter((c) => c.skipped).length };
  // The counts in the attributes agree with the testcases, for the whole report and each suite.
  expect({ tests: doc.testsuites.tests, failures: doc.testsuites.failures, errors: doc.testsuites.errors, skipped: doc.testsuites.skipped }).toEqual(total);
  for (const s of doc.testsuites.testsuite) expect(s.tests).toBe(s.testcase.length);
  if (spec.junit) {
    expect(total).toEqual({ tests: spec.junit.tests, failures: spec.junit.failures, errors: spec.junit.errors, skipped: spec.junit.skipped });
    if (spec.junit.testcases) expect(cases.map(junitCaseLine)).toEqual(spec.junit.testcases);
  }
}

interface SarifRun {
  results: Array<{ level: string; suppressions?: unknown[] }>;
  invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }> }> }>;
}

function checkSarif(expected: SarifExpectation | undefined, report: string, context: string): void {
  const sarif = JSON.parse(report) as { runs: SarifRun[] };
  const validate = sarifValidator();
  expect({ context, valid: validate(sarif), errors: validate.errors ?? null }).toEqual({ context, valid: true, errors: null });
  const run = sarif.runs[0]!;
  if (expected?.levels) expect(run.results.map((r) => r.level)).toEqual(expected.levels);
  if (expected?.suppressed) expect(run.results.map((r) => (r.suppressions?.length ?? 0) > 0)).toEqual(expected.suppressed);
  const invocation = run.invocations[0]!;
  if (expected?.executionSuccessful !== undefined) expect(invocation.executionSuccessful).toBe(expected.executionSuccessful);
  if (expected?.notifications) {
    const where = invocation.toolExecutionNotifications.map((n) => {
      const loc = n.locations[0]!.physicalLocation;
      return loc.region ? `${loc.artifactLocation.uri}:${loc.region.startLine}` : loc.artifactLocation.uri;
    });
    expect(where).toEqual(expected.notifications);
  }
}
