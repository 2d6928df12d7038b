// e2e harness: runs a case file of kubectl steps (test/e2e/cases/*.yaml) and checks what kubectl printed and which risk events riskgate wrote.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { ClusterUnderTest } from './cluster-under-test.js';
import type { LoggedRiskEvent } from './risk-event-log.js';

export interface StepExpectation {
  /** kubectl's exit code (default 0). */
  exit?: number;
  /** Substrings of stderr (kubectl prints denials and `Warning:` lines there). */
  stderr?: string[];
  stdout?: string[];
  /** The exact `Warning: ` lines kubectl printed (text after the prefix); absent = any, [] = none. */
  warnings?: string[];
}

export interface KubectlStep {
  kubectl: string[];
  /** A static-token user (its kubeconfig context `as-<user>`). */
  as?: string;
  /** A ServiceAccount `ns/name`: the step runs with a token from `kubectl create token`. */
  serviceAccount?: string;
  stdin?: string;
  expect?: StepExpectation;
}

export interface ExpectedRiskEvent {
  rule: string;
  action: string;
  user?: string;
  name?: string;
  namespace?: string;
  command?: string;
}

export interface KubectlCase {
  name: string;
  steps: KubectlStep[];
  /** Every risk event the case's steps make, in any order (default: none). */
  riskEvents?: ExpectedRiskEvent[];
}

export function loadCases(file: string): KubectlCase[] {
  const doc = parse(readFileSync(file, 'utf8')) as { cases: KubectlCase[] };
  return doc.cases;
}

export interface StepOutcome {
  code: number;
  stdout: string;
  stderr: string;
  warnings: string[];
}

export function warningsOf(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('Warning: ')).map((l) => l.slice('Warning: '.length));
}

async function runStep(cluster: ClusterUnderTest, step: KubectlStep): Promise<StepOutcome> {
  const token = step.serviceAccount ? await serviceAccountToken(cluster, step.serviceAccount) : undefined;
  const result = await cluster.plane.kubectl.run(step.kubectl, {
    ...(step.as ? { context: `as-${step.as}` } : {}),
    ...(token ? { token } : {}),
    ...(step.stdin !== undefined ? { stdin: step.stdin } : {}),
  });
  return { ...result, warnings: warningsOf(result.stderr) };
}

export async function serviceAccountToken(cluster: ClusterUnderTest, serviceAccount: string): Promise<string> {
  const [ns, name] = serviceAccount.split('/') as [string, string];
  return (await cluster.plane.kubectl.ok(['create', 'token', name, '-n', ns])).trim();
}

/** What differs between a step's outcome and its expectation, as readable lines (empty = as expected). */
export function stepProblems(step: KubectlStep, outcome: StepOutcome): string[] {
  const expect = step.expect ?? {};
  const problems: string[] = [];
  const where = `kubectl ${step.kubectl.join(' ')}`;
  if (outcome.code !== (expect.exit ?? 0)) problems.push(`${where}: exit ${outcome.code}, expected ${expect.exit ?? 0}; stderr: ${outcome.stderr.trim()}`);
  for (const s of expect.stderr ?? []) if (!outcome.stderr.includes(s)) problems.push(`${where}: stderr lacks ${JSON.stringify(s)}; stderr: ${outcome.stderr.trim()}`);
  for (const s of expect.stdout ?? []) if (!outcome.stdout.includes(s)) problems.push(`${where}: stdout lacks ${JSON.stringify(s)}; stdout: ${outcome.stdout.trim()}`);
  if (expect.warnings && JSON.stringify(outcome.warnings) !== JSON.stringify(expect.warnings)) {
    problems.push(`${where}: warnings ${JSON.stringify(outcome.warnings)}, expected ${JSON.stringify(expect.warnings)}`);
  }
  return problems;
}

function field(event: LoggedRiskEvent, name: string): string | undefined {
  const v = event.fields[name];
  return Array.isArray(v) ? v.join(' ') : v;
}

/** A logged event seen as the keys a case names (only those it names). */
export function projection(event: LoggedRiskEvent, like: ExpectedRiskEvent): ExpectedRiskEvent {
  const out: ExpectedRiskEvent = { rule: event.rule_id, action: event.action };
  for (const key of ['user', 'name', 'namespace', 'command'] as const) {
    if (like[key] !== undefined) {
      const value = field(event, key);
      if (value !== undefined) out[key] = value;
    }
  }
  return out;
}

function key(e: ExpectedRiskEvent): string {
  return JSON.stringify([e.rule, e.action, e.user, e.name, e.namespace, e.command]);
}

/** Runs the steps, then compares the risk events written meanwhile with the case's list (order aside). */
export async function runCase(cluster: ClusterUnderTest, testCase: KubectlCase): Promise<string[]> {
  const before = cluster.riskEvents().length;
  const problems: string[] = [];
  for (const step of testCase.steps) problems.push(...stepProblems(step, await runStep(cluster, step)));
  const expected = testCase.riskEvents ?? [];
  // Events are logged asynchronously: wait for the expected count, then a little longer for any unexpected one.
  try {
    await cluster.waitForRiskEvents(before + expected.length, 5_000);
  } catch {
    // reported below as a difference
  }
  await new Promise((r) => setTimeout(r, 300));
  const made = cluster.riskEvents().slice(before);
  const template = expected[0] ?? { rule: '', action: '' };
  const got = made.map((e) => key(projection(e, expected.find((x) => x.rule === e.rule_id) ?? template))).sort();
  const want = expected.map(key).sort();
  if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`risk events ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  return problems;
}
