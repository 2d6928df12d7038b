// JUnit XML report: a testsuite per file (per namespace for an audit), a testcase per object × rule that selects it; deny (and warn with --fail-on warn) fail.
import type { ApplicableRule, CheckReport, CheckedObject, FailOn, InputError } from './check-report.js';
import { errorLocation, isLiveOrigin, objectLabel } from './check-report.js';
import { xmlAttribute, xmlText } from './xml-text.js';

interface TestCase {
  name: string;
  /** The manifest file, or the live object's API path. */
  file: string;
  /** 0: no line (a whole file, a live object). */
  line: number;
  /** Exactly one of these, or none for a plain pass. */
  failure?: { type: string; message: string };
  error?: { type: string; message: string };
  skipped?: string;
  output?: string;
}

interface Suite {
  name: string;
  cases: TestCase[];
}

function place(object: CheckedObject): { file: string; line: number } {
  return isLiveOrigin(object.origin) ? { file: object.origin.path, line: 0 } : { file: object.origin.file, line: object.origin.line };
}

/** A check groups by file; an audit by namespace (cluster-scoped objects together). */
function suiteName(object: CheckedObject): string {
  if (!isLiveOrigin(object.origin)) return object.origin.file;
  return object.namespace ? `namespace ${object.namespace}` : 'cluster-scoped';
}

function ruleCase(object: CheckedObject, applicable: ApplicableRule, failOn: FailOn): TestCase {
  const name = `${objectLabel(object)} ${applicable.rule.id}`;
  const base = { name, ...place(object) };
  if (applicable.action === 'off') return { ...base, skipped: `rule ${applicable.rule.id} is off in the policy` };
  const finding = object.findings.find((f) => f.rule.id === applicable.rule.id);
  if (!finding) return base;
  const fails = finding.action === 'deny' || (finding.action === 'warn' && failOn === 'warn');
  if (fails) return { ...base, failure: { type: finding.action, message: finding.message } };
  return { ...base, output: `${finding.action}: ${finding.message}` };
}

function objectCases(object: CheckedObject, failOn: FailOn): TestCase[] {
  if (object.applicableRules.length === 0) {
    const why = object.knownKind ? 'no riskgate rule selects' : 'no riskgate rule knows';
    return [{ name: objectLabel(object), ...place(object), output: `pass: ${why} ${object.apiVersion} ${object.kind}` }];
  }
  return object.applicableRules.map((applicable) => ruleCase(object, applicable, failOn));
}

function errorCase(error: InputError): TestCase {
  return { name: errorLocation(error), file: error.file, line: error.line ?? 0, error: { type: error.code, message: error.message } };
}

function suites(report: CheckReport): Suite[] {
  const byName = new Map<string, Suite>();
  const suite = (name: string) => {
    let s = byName.get(name);
    if (!s) byName.set(name, (s = { name, cases: [] }));
    return s;
  };
  for (const file of report.files) suite(file);
  // A file's input errors open its suite, then come its objects in reading order.
  for (const error of report.errors) suite(error.file).cases.push(errorCase(error));
  for (const object of report.objects) suite(suiteName(object)).cases.push(...objectCases(object, report.settings.failOn));
  return [...byName.values()];
}

function caseXml(c: TestCase): string {
  const open = `    <testcase classname="${xmlAttribute(c.file)}" name="${xmlAttribute(c.name)}" file="${xmlAttribute(c.file)}"${c.line > 0 ? ` line="${c.line}"` : ''}`;
  const body: string[] = [];
  if (c.failure) body.push(`      <failure type="${xmlAttribute(c.failure.type)}" message="${xmlAttribute(c.failure.message)}">${xmlText(c.failure.message)}</failure>`);
  if (c.error) body.push(`      <error type="${xmlAttribute(c.error.type)}" message="${xmlAttribute(c.error.message)}">${xmlText(c.error.message)}</error>`);
  if (c.skipped) body.push(`      <skipped message="${xmlAttribute(c.skipped)}"/>`);
  if (c.output) body.push(`      <system-out>${xmlText(c.output)}</system-out>`);
  return body.length === 0 ? `${open}/>` : `${open}>\n${body.join('\n')}\n    </testcase>`;
}

function counts(cases: TestCase[]): string {
  const n = (pick: (c: TestCase) => unknown) => cases.filter(pick).length;
  return `tests="${cases.length}" failures="${n((c) => c.failure)}" errors="${n((c) => c.error)}" skipped="${n((c) => c.skipped)}"`;
}

export function junitReport(report: CheckReport): string {
  const all = suites(report);
  const title = report.audit ? `riskgate audit ${report.audit.cluster}` : 'riskgate check';
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="${xmlAttribute(title)}" ${counts(all.flatMap((s) => s.cases))}>`];
  for (const s of all) {
    lines.push(`  <testsuite name="${xmlAttribute(s.name)}" ${counts(s.cases)}>`);
    lines.push(...s.cases.map(caseXml));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
