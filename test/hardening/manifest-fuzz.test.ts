// Fuzzes the manifest path of `riskgate check`: any text, Kubernetes-shaped documents gone wrong, YAML bombs, deep nesting; every report format renders.
import fc from 'fast-check';
import type { CheckReport } from '../../src/check/check-report.js';
import { runCheck } from '../../src/check/check-run.js';
import { jsonReport } from '../../src/check/json-report.js';
import { junitReport } from '../../src/check/junit-report.js';
import { sarifReport } from '../../src/check/sarif-report.js';
import { textReport } from '../../src/check/text-report.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { checkUser } from '../../src/request/from-manifest.js';
import { parseManifestText } from '../../src/request/manifest-documents.js';
import type { ManifestOperation } from '../../src/request/from-manifest.js';
import { RULES } from '../../src/rules/catalog.js';
import { DEPTHS, fuzzParams, HEAVY_RUNS, MANY_DOCUMENTS } from './fuzz-settings.js';
import { POLLUTION_KEYS } from './hostile-json.js';
import { pollutedPrototypes } from './prototype-guard.js';
import { anyText, billionLaughs, deepBlockYaml, deepYaml, structured, yamlOf, yamlStyle } from './yaml-texts.js';

const FILE = 'manifests/app.yaml';
const DENY_ALL = parsePolicy('defaultAction: deny\n', 'deny-all.yaml', RULES);
const KNOWN_KEYS = ['apiVersion', 'kind', 'metadata', 'name', 'namespace', 'labels', 'spec', 'type', 'ports', 'nodePort', 'template', 'items', 'allocateLoadBalancerNodePorts', 'generateName'];
const KINDS = ['Service', 'DaemonSet', 'List', 'ServiceList', 'Pod', 'Deployment', ...POLLUTION_KEYS];
const API_VERSIONS = ['v1', 'apps/v1', '__proto__/v1', 'constructor/v1', '/', '', 'v1/'];

/** The whole check over one text: parse, requests, engine, decision, and all four report formats. */
function checkText(text: string, operation: ManifestOperation = 'UPDATE'): CheckReport {
  const parsed = parseManifestText(text);
  const lines = text.split(/\r\n|\r|\n/).length;
  for (const problem of parsed.problems) {
    expect(problem.line).toBeGreaterThanOrEqual(1);
    expect(problem.line).toBeLessThanOrEqual(lines + 1);
    expect(problem.column).toBeGreaterThanOrEqual(1);
    expect(problem.message.length).toBeGreaterThan(0);
    expect(problem.message).not.toContain('\n');
  }
  for (const item of parsed.objects) {
    expect(item.line).toBeGreaterThanOrEqual(1);
    expect(item.line).toBeLessThanOrEqual(lines + 1);
  }
  const report = runCheck([{ file: FILE, parsed }], {
    rules: RULES,
    policy: DENY_ALL,
    settings: { operation, namespace: 'default', user: checkUser('riskgate-check', []), policy: 'deny-all.yaml', failOn: 'deny' },
    toolVersion: '0.0.0-test',
  });
  for (const render of [textReport, jsonReport, junitReport, sarifReport]) expect(typeof render(report)).toBe('string');
  expect(report.objects.length + report.errors.length).toBeGreaterThanOrEqual(0);
  return report;
}

/**
 * Kubernetes-shaped documents: right and wrong kinds and apiVersions around hostile bodies. `emptyList`: a List with
 * no items, as `kubectl get -o yaml` writes for an empty namespace, holds nothing to check and nothing wrong.
 */
const kubernetesShaped = fc.tuple(fc.constantFrom(...KINDS), fc.constantFrom(...API_VERSIONS), structured(KNOWN_KEYS), yamlStyle).map(([kind, apiVersion, rest, style]) => {
  const doc: Record<string, unknown> = { ...(typeof rest === 'object' && rest !== null && !Array.isArray(rest) ? rest : { spec: rest }), apiVersion, kind };
  return { text: yamlOf(doc, style), emptyList: kind.endsWith('List') && Array.isArray(doc['items']) && doc['items'].length === 0 };
});

afterEach(() => expect(pollutedPrototypes()).toEqual([]));

test('any text: objects and problems at positions inside the text, every report renders', () => {
  fc.assert(
    fc.property(anyText, fc.constantFrom<ManifestOperation>('CREATE', 'UPDATE'), (text, operation) => {
      checkText(text, operation);
    }),
    fuzzParams(),
  );
});

test('Kubernetes-shaped documents with hostile bodies, several per stream', () => {
  fc.assert(
    fc.property(fc.array(kubernetesShaped, { minLength: 1, maxLength: 4 }), (docs) => {
      const report = checkText(docs.map((d) => d.text).join('\n---\n'));
      expect(report.objects.length + report.errors.length).toBeGreaterThanOrEqual(docs.every((d) => d.emptyList) ? 0 : 1);
    }),
    fuzzParams(),
  );
});

/** Mistakes that stay inside their own document (an unterminated quote, by contrast, runs on to the end of the stream). */
const MISTAKES = [']', '}', ']]', 'a: [', '{', 'a: {b: 1', 'a: b: c', '\ta: 1', 'a: 1\na: 2', '- a\nb: c', 'a:\n  - b\n c: d', '@reserved', '`backtick', 'kind: *undefined-alias', '!!binary notbase64!', 'a: !!int x', 'apiVersion: v1\nkind: Service\nmetadata: [not, a, map]', 'apiVersion: 1\nkind: Service', '42', '[a, b]', 'just a string'];

test('a bad document costs only itself: the good ones before and after are still checked, and the error names its line', () => {
  const good = 'apiVersion: v1\nkind: Service\nmetadata: {name: np, namespace: shop}\nspec: {type: NodePort}\n';
  fc.assert(
    fc.property(fc.constantFrom(...MISTAKES), fc.nat({ max: 3 }), fc.nat({ max: 3 }), (bad, before, after) => {
      const text = [...Array<string>(before).fill(good), `${bad}\n`, ...Array<string>(after).fill(good)].join('---\n');
      const report = checkText(text);
      expect(report.objects.filter((o) => o.name === 'np' && o.outcome === 'deny')).toHaveLength(before + after);
      const badStart = before * (good.split('\n').length) + 1;
      const badEnd = badStart + bad.split('\n').length;
      expect(report.errors.length).toBeGreaterThanOrEqual(1);
      for (const error of report.errors) expect([error.line, error.line! >= badStart && error.line! <= badEnd]).toEqual([error.line, true]);
    }),
    fuzzParams(HEAVY_RUNS),
  );
});

test('prototype keys as kinds, groups, labels and metadata fields are plain data', () => {
  for (const key of POLLUTION_KEYS) {
    const text = [
      `apiVersion: ${key}/v1\nkind: ${key}\nmetadata: {name: a}\n`,
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: b\n  labels: {${key}: x}\n  ${key}: {polluted: yes}\nspec: {type: NodePort, ${key}: {x: 1}}\n`,
      `apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Service, metadata: {name: c, ${key}: 1}, spec: {type: NodePort}}\n`,
    ].join('---\n');
    const report = checkText(text);
    expect(report.objects.map((o) => o.name)).toEqual(['a', 'b', 'c']);
    expect(report.objects.filter((o) => o.outcome === 'deny').map((o) => o.name)).toEqual(['b', 'c']);
  }
});

test.each([3, 6, 9])('a billion-laughs manifest of %i alias levels is a problem, not an expansion', (levels) => {
  const report = checkText(`apiVersion: v1\nkind: Service\nmetadata: {name: lol}\nspec:\n  ${billionLaughs(levels).replace(/\n(?=.)/g, '\n  ')}`);
  if (levels > 2) expect(report.errors.map((e) => e.code)).toContain('MANIFEST_YAML');
});

describe.each(DEPTHS)('nesting %i levels deep', (depth) => {
  test.each(['metadata.labels', 'spec.template', 'spec.ports', 'top level'])('at %s: a verdict or a positioned problem, no stack overflow', (at) => {
    for (const shape of ['array', 'object'] as const) {
      const deep = deepYaml(depth, shape);
      const text =
        at === 'top level'
          ? deep
          : at === 'metadata.labels'
            ? `apiVersion: v1\nkind: Service\nmetadata: {name: deep, labels: ${deep}}\nspec: {type: NodePort}\n`
            : at === 'spec.template'
              ? `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: deep}\nspec: {template: ${deep}}\n`
              : `apiVersion: v1\nkind: Service\nmetadata: {name: deep}\nspec: {type: NodePort, ports: ${deep}}\n`;
      checkText(text, 'UPDATE');
    }
  });
});

test('block mappings nested 5,000 deep', () => {
  checkText(deepBlockYaml(5_000));
});

test(`a 4 MiB name and ${MANY_DOCUMENTS} documents are checked`, () => {
  const huge = checkText(`apiVersion: v1\nkind: Service\nmetadata: {name: ${'n'.repeat(4 * 1024 * 1024)}}\nspec: {type: NodePort}\n`);
  expect(huge.objects).toHaveLength(1);
  const many = checkText(Array.from({ length: MANY_DOCUMENTS }, (_, i) => `apiVersion: v1\nkind: Service\nmetadata: {name: s${i}}\nspec: {type: ClusterIP}\n`).join('---\n'));
  expect(many.objects).toHaveLength(MANY_DOCUMENTS);
});
