// Reads any riskgate check report (text, json, junit, sarif) back into one comparable list: `file:line kind/ns/name rule action`.
import { XMLParser } from 'fast-xml-parser';

export type Format = 'text' | 'json' | 'junit' | 'sarif';

const TEXT_LINE = /^(.+?:\d+): (\S+) (\S+) (deny|warn|record|exempt) /;
const SUMMARY_LINE =
  /^riskgate check: (\d+) objects? in (\d+) files?: (\d+) denied, (\d+) warned, (\d+) recorded, (\d+) exempted, (\d+) passed(?: \((\d+) of a kind without rules\))?; (\d+) input errors?$/;

export function summaryFromLine(line: string): Record<string, number> | undefined {
  const m = SUMMARY_LINE.exec(line);
  if (!m) return undefined;
  const n = (i: number) => Number(m[i] ?? 0);
  return { objects: n(1), files: n(2), denied: n(3), warned: n(4), recorded: n(5), exempted: n(6), passed: n(7), unknownKinds: n(8), errors: n(9) };
}

function textFindings(report: string): string[] {
  return report
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('riskgate check: '))
    .map((l) => {
      const m = TEXT_LINE.exec(l);
      if (!m) throw new Error(`not a finding line: ${l}`);
      return `${m[1]} ${m[2]} ${m[3]} ${m[4]}`;
    });
}

interface JsonReportShape {
  objects: Array<{ file: string; line: number; kind: string; namespace: string; name: string; findings: Array<{ rule: string; action: string }> }>;
}

function jsonFindings(report: string): string[] {
  const parsed = JSON.parse(report) as JsonReportShape;
  return parsed.objects.flatMap((o) => o.findings.map((f) => `${o.file}:${o.line} ${o.kind}/${o.namespace || '-'}/${o.name || '-'} ${f.rule} ${f.action}`));
}

export interface JunitCase {
  name: string;
  file: string;
  line?: number;
  failure?: { type: string; message: string };
  error?: { type: string; message: string };
  skipped?: { message: string };
  'system-out'?: string;
}

export interface JunitSuite {
  name: string;
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  testcase: JunitCase[];
}

export interface JunitDocument {
  testsuites: { name: string; tests: number; failures: number; errors: number; skipped: number; testsuite: JunitSuite[] };
}

/** Parses JUnit XML with a real XML parser; attributes keep their names, numbers are numbers, lists are always arrays. */
export function parseJunit(xml: string): JunitDocument {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: true,
    textNodeName: 'text',
    isArray: (name) => name === 'testsuite' || name === 'testcase',
  });
  const doc = parser.parse(xml) as { testsuites: JunitDocument['testsuites'] & { testsuite?: JunitSuite[] } };
  for (const suite of doc.testsuites.testsuite ?? []) suite.testcase ??= [];
  doc.testsuites.testsuite ??= [];
  return doc as JunitDocument;
}

function junitAction(c: JunitCase): string | undefined {
  if (c.failure) return c.failure.type;
  const out = /^(warn|record|exempt): /.exec(c['system-out'] ?? '');
  return out?.[1];
}

function junitFindings(report: string): string[] {
  return parseJunit(report).testsuites.testsuite.flatMap((s) =>
    s.testcase.flatMap((c) => {
      const action = junitAction(c);
      return action ? [`${c.file}:${c.line} ${c.name} ${action}`] : [];
    }),
  );
}

interface SarifShape {
  runs: Array<{
    results: Array<{
      ruleId: string;
      properties: { action: string };
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }; logicalLocations: Array<{ fullyQualifiedName: string }> }>;
    }>;
  }>;
}

function sarifFindings(report: string): string[] {
  const sarif = JSON.parse(report) as SarifShape;
  return sarif.runs[0]!.results.map((r) => {
    const loc = r.locations[0]!;
    const uri = decodeURIComponent(loc.physicalLocation.artifactLocation.uri);
    return `${uri}:${loc.physicalLocation.region.startLine} ${loc.logicalLocations[0]!.fullyQualifiedName} ${r.ruleId} ${r.properties.action}`;
  });
}

export function findingsOf(format: Format, report: string): string[] {
  if (format === 'json') return jsonFindings(report);
  if (format === 'junit') return junitFindings(report);
  if (format === 'sarif') return sarifFindings(report);
  return textFindings(report);
}
