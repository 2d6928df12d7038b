// Parity of the manifest fast paths (js-yaml with the `yaml` YAML 1.1 scalar rules, JSON.parse) with the `yaml` path: every repository manifest, generated Kubernetes-like YAML and JSON texts with tricky scalars, hostile texts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect, isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type { ParsedManifest } from '../../src/request/manifest-documents.js';
import { parseManifestText, parseManifestTextWithYaml } from '../../src/request/manifest-documents.js';
import { fastParseManifestText } from '../../src/request/yaml-fast-path.js';
import { fuzzParams, RUNS } from '../hardening/fuzz-settings.js';
import { anyText, structured, yamlOf, yamlStyle } from '../hardening/yaml-texts.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MANIFEST_FOLDERS = ['test/cases/check', 'manifests/samples', 'test/fixtures'];

function manifestFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return manifestFiles(path);
      return /\.(ya?ml|json)$/.test(name) ? [path] : [];
    });
}

/**
 * Deep equality to the last key, number sign (-0) and prototype. Not toStrictEqual: it compares `.constructor`, which
 * a manifest's own `constructor` key shadows, so two equal objects holding `constructor: {}` would differ.
 */
function expectSame(actual: ParsedManifest, expected: ParsedManifest): void {
  if (isDeepStrictEqual(actual, expected)) return;
  expect(actual).toEqual(expected);
  throw new Error(`equal but not strictly equal (-0 against 0?): ${inspect(actual, { depth: 8 })} against ${inspect(expected, { depth: 8 })}`);
}

/** The fast result, when the fast path answers, equals the `yaml` path's, values and positions alike. */
function expectParity(text: string): ParsedManifest | undefined {
  const reference = parseManifestTextWithYaml(text);
  const fast = fastParseManifestText(text);
  if (fast !== undefined) expectSame(fast, reference);
  expectSame(parseManifestText(text), reference);
  return fast;
}

/** The three shapes bench/check-throughput.mjs writes 10,000 of. */
const BENCH_SHAPES = [
  (i: number) =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\n  namespace: team-${i % 17}\n  labels:\n    app.kubernetes.io/name: app-${i}\n    app.kubernetes.io/part-of: shop\nspec:\n  type: ${['ClusterIP', 'NodePort', 'LoadBalancer'][i % 3]}\n  selector:\n    app.kubernetes.io/name: app-${i}\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n      protocol: TCP\n`,
  (i: number) =>
    `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent-${i}\n  namespace: ops\nspec:\n  selector:\n    matchLabels: {app: agent-${i}}\n  template:\n    metadata:\n      labels: {app: agent-${i}}\n    spec:\n      containers:\n        - name: agent\n          image: registry.example.com/agent:${i % 9}.0.0\n          resources:\n            limits: {cpu: 100m, memory: 128Mi}\n`,
  (i: number) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-${i}\n  namespace: team-${i % 17}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web-${i}}\n  template:\n    metadata:\n      labels: {app: web-${i}}\n    spec:\n      containers:\n        - name: web\n          image: registry.example.com/web:${i % 5}.1.0\n          ports: [{containerPort: 8080}]\n`,
];

/** Plain scalars YAML 1.1 reads as something else than a string (or nearly does), and strings Kubernetes manifests hold. */
const TRICKY_SCALARS = [
  'yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'N', 'Yes', 'NO', 'On', 'OFF', 'true', 'False', 'TRUE', 'yES', 'onn',
  '0777', '0778', '08', '0', '-0', '+12', '012', '0x1F', '0X1F', '0b101', '0o17', '1_000', '1__0', '_1', '1:30', '1:30:45', '-1:30', '1:30.5', '1:60', '190:20:30',
  '.inf', '-.inf', '+.Inf', '.NaN', '.nan', '1e3', '1.5e+3', '1.5E-3', '1.', '.5', '+.5', '1_0.5', '6.8523015e+5', '12e03', '0.', '-.', '.', '1..2', '99999999999999999999',
  '~', 'null', 'Null', 'NULL', 'nul', 'v1', 'apps/v1', '100m', '128Mi', 'nginx:1.25', 'http://x:80/a', 'a#b', 'a #c', 'a,b', 'x{y}', '$(HOME)', '${VAR}', 'x[0]',
  '--flag', '-Xmx1g', '-1', "it's", 'two  spaces', 'é', 'ünïcödé', '<<', '=', 'constructor', 'toString',
];
/** What the fast subset refuses or js-yaml reads differently: timestamps, indicators, aliases, tags, lone dashes. */
const REFUSED_SCALARS = ['2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '12:30:00', '-', '+', '*.example.com', '@at', '`tick`', '%pct', '!bang', '&anchor', '*alias', '|', '>', '?', ':', 'a: b', 'a:', '::1', '__proto__', '---x'];
const QUOTED = [...TRICKY_SCALARS, ...REFUSED_SCALARS].flatMap((s) => [(s.includes('"') ? `'${s}'` : `"${s}"`), `'${s.replace(/'/g, "''")}'`]);
const KEYS = ['apiVersion', 'kind', 'metadata', 'name', 'namespace', 'labels', 'spec', 'type', 'ports', 'port', 'app.kubernetes.io/name', 'x-y_z', 'yes', 'on', 'n', '1', '0777', '0x1F', '1:30', '1.5', '.inf', '"quoted"', "'single'", '"a: b"', '""', 'a', 'constructor', 'toString', 'hasOwnProperty'];
/** Keys the fast subset refuses (null keys, merge keys, complex and spaced keys) or that make a List. */
const ODD_KEYS = ['items', '~', 'null', '<<', '?', 'a b', '-'];
const key = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_KEYS) });
const COMMENTS = ['', ' # comment', '  #x', '#glued'];
const FLOWS = ['{}', '[]', '{a: 1}', '{cpu: 100m, memory: 128Mi}', '[a, b]', '[{containerPort: 8080}]', '{a: [1, yes, ~]}', '{a: "x, y"}', '[a, ]', '{a: 1,}', '[a: 1]', '{a:1}', '{ a: 1 }', '[ ]', '{a: b c}', '{"a": 1}', '{a: nginx:1.2}', '[1, 0777, 0x1F, .inf]', '{y: n}', '[[[]]]'];
const BLOCK_SCALARS = ['|', '|-', '>', '>-', '|+', '|2'];

type Node = { scalar: string } | { flow: string } | { block: string } | { map: Array<[string, Node]> } | { seq: Node[] };

const node: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 6, arbitrary: fc.constantFrom(...TRICKY_SCALARS, ...QUOTED, '').map((scalar) => ({ scalar })) },
    { weight: 1, arbitrary: fc.constantFrom(...REFUSED_SCALARS).map((scalar) => ({ scalar })) },
    { weight: 1, arbitrary: fc.constantFrom(...FLOWS).map((flow) => ({ flow })) },
    { weight: 1, arbitrary: fc.constantFrom(...BLOCK_SCALARS).map((block) => ({ block })) },
    { weight: 2, arbitrary: fc.array(fc.tuple(key, tie('node')), { minLength: 1, maxLength: 4 }).map((map) => ({ map })) },
    { weight: 1, arbitrary: fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((seq) => ({ seq })) },
  ),
})).node;

interface Style {
  /** Sequences under a key at the key's own indentation (kubectl) or two columns in. */
  seqIndent: 0 | 2;
  comment: string;
}

/** Renders `value` after `key:` or `- ` at `indent`: inline for scalars and flows, on following lines for collections. */
function render(value: Node, indent: number, style: Style, inSeq: boolean): { inline: string; lines: string[] } {
  const pad = ' '.repeat(indent);
  if ('scalar' in value) return { inline: value.scalar === '' ? '' : ` ${value.scalar}${style.comment}`, lines: [] };
  if ('flow' in value) return { inline: ` ${value.flow}${style.comment}`, lines: [] };
  if ('block' in value) return { inline: ` ${value.block}`, lines: [`${pad}  line one`, `${pad}  line: two # not a comment`, '', `${pad}   more`] };
  if ('map' in value) return { inline: '', lines: mapLines(value.map, indent + 2, style) };
  return { inline: '', lines: seqLines(value.seq, inSeq ? indent + 2 : indent + style.seqIndent, style) };
}

function mapLines(entries: Array<[string, Node]>, indent: number, style: Style): string[] {
  return entries.flatMap(([key, value]) => {
    const { inline, lines } = render(value, indent, style, false);
    return [`${' '.repeat(indent)}${key}:${inline}`, ...lines];
  });
}

function seqLines(items: Node[], indent: number, style: Style): string[] {
  return items.flatMap((item) => {
    const pad = ' '.repeat(indent);
    if ('map' in item) {
      const [first, ...rest] = mapLines(item.map, indent + 2, style);
      return [`${pad}- ${first!.trimStart()}`, ...rest];
    }
    const { inline, lines } = render(item, indent, style, true);
    return [`${pad}-${inline}`, ...lines];
  });
}

const separator = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('---', '--- # next', '---  ', '---\n---', '# between\n---', '\n---\n') }, { weight: 1, arbitrary: fc.constantFrom('...\n---', '--- a: 1', '---x', '--- |', '---\n...') });
/** Lines slipped in anywhere: harmless comments and blanks mostly, sometimes a stray token or a bad indentation. */
const edit = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('', '# comment', '   # indented comment', ' ', '#') }, { weight: 1, arbitrary: fc.constantFrom('\t', 'stray', '  - x', '%YAML 1.1', '...', ' bad: indent', '   deeper: 1', '- item', '  continued plain') });
const edits = fc.array(fc.tuple(fc.nat(), edit), { maxLength: 2 });

/** A Kubernetes-like document: apiVersion and kind (or not), metadata and a random body, in one of two sequence styles. */
const manifest = fc
  .record({
    apiVersion: fc.constantFrom('v1', 'apps/v1', '"v1"', 'yes', '~', ''),
    kind: fc.constantFrom('Service', 'DaemonSet', 'Deployment', 'ConfigMap', 'List', 'Y', '0777'),
    name: fc.constantFrom(...TRICKY_SCALARS.slice(0, 30), 'web', '"web"'),
    body: fc.array(fc.tuple(key, node), { maxLength: 4 }),
    indent: fc.constantFrom(0, 0, 0, 2),
    style: fc.record({ seqIndent: fc.constantFrom<0 | 2>(0, 2), comment: fc.constantFrom(...COMMENTS) }),
    edits,
  })
  .map(({ apiVersion, kind, name, body, indent, style, edits }) => {
    const head = [`apiVersion:${apiVersion === '' ? '' : ` ${apiVersion}`}`, `kind: ${kind}`, 'metadata:', `  name: ${name}`, ...mapLines(body, 0, style)];
    const lines = head.map((l) => ' '.repeat(indent) + l);
    for (const [at, line] of edits) lines.splice(at % (lines.length + 1), 0, line);
    return lines.join('\n');
  });

const multiDocument = fc
  .tuple(fc.array(fc.tuple(manifest, separator), { minLength: 1, maxLength: 3 }), fc.constantFrom('', '\n', '\n---\n', '\n# end\n'))
  .map(([docs, end]) => docs.map(([doc, sep], i) => (i === 0 ? doc : `${sep}\n${doc}`)).join('\n') + end);

/** Number tokens JSON and YAML 1.1 could read differently: exponents, signs, zeros, past 2^53, past the double range. */
const NUMBER_TOKENS = ['0', '-0', '1.0', '1e5', '1E400', '-1E400', '2E+3', '0.1e-5', '12345678901234567890', '123456789012345678901234567890.5e-3', '0.30000000000000004', '9007199254740993', '5e-324', '1e-400'];
const jsonScalar = fc.oneof(
  fc.constantFrom(...NUMBER_TOKENS).map((raw) => ({ raw })),
  fc.oneof(fc.double(), fc.integer(), fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constantFrom(...TRICKY_SCALARS), fc.boolean(), fc.constant(null)).map((v) => ({ raw: JSON.stringify(v) ?? 'null' })),
);
/** One JSON object as kubectl or a hand would write it: compact or indented, leading blank lines, raw number tokens, sometimes a duplicate key. */
const jsonManifest = fc
  .record({
    kind: fc.constantFrom('Service', 'DaemonSet', 'List', ''),
    fields: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS, 'kind', 'metadata', 'items'), fc.string({ maxLength: 6 })), jsonScalar), { maxLength: 6 }),
    nested: fc.array(jsonScalar, { maxLength: 4 }),
    layout: fc.constantFrom('', '\n', '\n  ', '\n    '),
    lead: fc.constantFrom('', '\n', '  ', '\n\n   '),
    tail: fc.constantFrom('', '\n', '\n\n', '\n---\n{}', ' x'),
  })
  .map(({ kind, fields, nested, layout, lead, tail }) => {
    const entries = [`"apiVersion": "v1"`, `"kind": ${JSON.stringify(kind)}`, ...fields.map(([k, v]) => `${JSON.stringify(k)}: ${v.raw}`), `"spec": {"list": [${nested.map((v) => v.raw).join(', ')}]}`];
    return `${lead}{${layout}${entries.join(`,${layout}`)}${layout.replace(/ +$/, '')}}${tail}`;
  });

describe('manifest fast path', () => {
  test('every manifest file of the repository: the same ParsedManifest as the yaml path, and most take the fast path', () => {
    const files = MANIFEST_FOLDERS.flatMap((folder) => manifestFiles(join(REPO, folder)));
    expect(files.length).toBeGreaterThan(50);
    const fast = files.filter((file) => expectParity(readFileSync(file, 'utf8')) !== undefined).map((file) => relative(REPO, file));
    expect(fast.length).toBeGreaterThan(files.length / 4);
  });

  test("bench/check-throughput.mjs's Services, DaemonSets and Deployments all take the fast path", () => {
    for (let i = 0; i < 60; i++) {
      const text = BENCH_SHAPES[i % 3]!(i);
      expect(expectParity(text)).toBeDefined();
    }
  });

  test('a line of megabytes leaves the fast path (its patterns would overflow the regular expression stack) and reads the same', () => {
    const long = (n: number) => `apiVersion: v1\nkind: Service\nmetadata: {name: ${'n'.repeat(n)}}\nspec: {type: NodePort}\n`;
    expect(expectParity(long(8_000))).toBeDefined();
    expect(fastParseManifestText(long(4 * 1024 * 1024))).toBeUndefined();
    expect(parseManifestText(long(4 * 1024 * 1024)).objects).toHaveLength(1);
  });

  test('generated Kubernetes-like texts with tricky scalars, comments, flows, block scalars and document markers', () => {
    let fast = 0;
    fc.assert(
      fc.property(multiDocument, (text) => {
        if (expectParity(text) !== undefined) fast++;
      }),
      fuzzParams(RUNS * 10),
    );
    // Not vacuous: a good share of the generated texts stay in the fast subset.
    expect(fast).toBeGreaterThan(RUNS / 2);
  });

  test('generated JSON manifests: number tokens, unicode strings, layouts, duplicate keys, trailing documents', () => {
    let fast = 0;
    fc.assert(
      fc.property(jsonManifest, (text) => {
        if (expectParity(text) !== undefined) fast++;
      }),
      fuzzParams(RUNS * 5),
    );
    expect(fast).toBeGreaterThan(RUNS / 2);
  });

  test('hostile texts and structured documents in block, flow and JSON style', () => {
    fc.assert(fc.property(anyText, (text) => void expectParity(text)), fuzzParams(RUNS * 5));
    const known = ['apiVersion', 'kind', 'metadata', 'name', 'namespace', 'spec', 'items', 'ports'];
    fc.assert(fc.property(structured(known), yamlStyle, (doc, style) => void expectParity(yamlOf(doc, style))), fuzzParams(RUNS * 5));
  });
});
