// Manifest text → objects: positions (line and column) of documents and List items, JSON, skipped empties, bad documents.
import { parseManifestText } from '../../src/request/manifest-documents.js';

const at = (r: ReturnType<typeof parseManifestText>) => ({
  objects: r.objects.map((o) => `${o.line}:${o.column} ${String(o.object['kind'])}/${String((o.object['metadata'] as { name?: string } | undefined)?.name)}`),
  problems: r.problems.map((p) => `${p.line}:${p.column} ${p.code} ${p.message}`),
});

describe('parseManifestText', () => {
  test('multi-document YAML: each object at the line and column of its first key; empty and comment-only documents skipped', () => {
    const text = ['# header', '---', '---', 'apiVersion: v1', 'kind: Service', 'metadata: {name: a}', '---', '# only a comment', '---', '  apiVersion: v1', '  kind: Service', '  metadata: {name: b}', '---', ''].join('\n');
    expect(at(parseManifestText(text))).toEqual({ objects: ['4:1 Service/a', '10:3 Service/b'], problems: [] });
  });

  test('a bad document is reported at line:column and the documents around it are still read', () => {
    const text = ['apiVersion: v1', 'kind: Service', 'metadata: {name: a}', '---', 'metadata:', '  name: [b', '---', 'apiVersion: v1', 'kind: Service', 'metadata: {name: c}'].join('\n');
    const r = at(parseManifestText(text));
    expect(r.objects).toEqual(['1:1 Service/a', '8:1 Service/c']);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/^7:1 MANIFEST_YAML Flow sequence in block collection must be sufficiently indented and end with a \]$/);
  });

  test('a duplicate key and an unresolved alias are errors of their document only', () => {
    const text = ['apiVersion: v1', 'kind: Service', 'kind: Pod', '---', 'apiVersion: v1', 'kind: *missing', '---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: ok}'].join('\n');
    const r = at(parseManifestText(text));
    expect(r.objects).toEqual(['8:1 ConfigMap/ok']);
    expect(r.problems).toEqual([expect.stringMatching(/^3:1 MANIFEST_YAML Map keys must be unique/), expect.stringMatching(/^5:1 MANIFEST_YAML Unresolved alias/)]);
  });

  test('List kinds (kind: List and typed lists) expand into their items, each at its own position', () => {
    const text = ['apiVersion: v1', 'kind: ServiceList', 'items:', '  - apiVersion: v1', '    kind: Service', '    metadata: {name: x}', '  - {apiVersion: v1, kind: Service, metadata: {name: z}}'].join('\n');
    expect(at(parseManifestText(text))).toEqual({ objects: ['4:5 Service/x', '7:5 Service/z'], problems: [] });
  });

  test('JSON: an object, and an array of objects, keep their positions', () => {
    const one = '{\n  "apiVersion": "v1",\n  "kind": "Service",\n  "metadata": {"name": "j"}\n}\n';
    expect(at(parseManifestText(one))).toEqual({ objects: ['1:1 Service/j'], problems: [] });
    const many = '[\n  {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}},\n  {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "b"}}\n]\n';
    expect(at(parseManifestText(many))).toEqual({ objects: ['2:3 Service/a', '3:3 DaemonSet/b'], problems: [] });
  });

  test('documents that are not Kubernetes objects are problems naming what is wrong', () => {
    const text = ['just a string', '---', 'kind: Service', '---', 'apiVersion: v1', 'kind: 7', '---', 'apiVersion: v1', 'kind: Service', 'metadata: [a]', '---', 'apiVersion: v1', 'kind: List', 'items: [42]'].join('\n');
    expect(at(parseManifestText(text)).problems).toEqual([
      '1:1 MANIFEST_NOT_AN_OBJECT not a Kubernetes object (a string instead of a mapping with apiVersion and kind)',
      '3:1 MANIFEST_MISSING_FIELD apiVersion is missing',
      '5:1 MANIFEST_BAD_FIELD kind must be a non-empty string',
      '8:1 MANIFEST_BAD_FIELD metadata must be a mapping',
      '14:9 MANIFEST_NOT_AN_OBJECT not a Kubernetes object (a number instead of a mapping with apiVersion and kind)',
    ]);
  });

  test('YAML 1.1 as kubectl reads it: yes/no/on/off are booleans and << merges', () => {
    const text = ['base: &base {type: LoadBalancer}', 'apiVersion: v1', 'kind: Service', 'spec:', '  <<: *base', '  allocateLoadBalancerNodePorts: no'].join('\n');
    const [item] = parseManifestText(text).objects;
    expect(item?.object['spec']).toEqual({ type: 'LoadBalancer', allocateLoadBalancerNodePorts: false });
    // go-yaml v2 reads a bare `y` as true too, so kubectl rejects `name: y`; so does riskgate check.
    expect(at(parseManifestText('apiVersion: v1\nkind: Service\nmetadata: {name: y}\n')).problems).toEqual(['1:1 MANIFEST_BAD_FIELD metadata.name must be a string']);
  });

  test('an empty text and a text of comments yield nothing', () => {
    expect(at(parseManifestText(''))).toEqual({ objects: [], problems: [] });
    expect(at(parseManifestText('# nothing here\n\n# at all\n'))).toEqual({ objects: [], problems: [] });
  });

  test('an alias bomb is stopped, not expanded', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`);
    lines.push('apiVersion: v1', 'kind: Service');
    expect(at(parseManifestText(lines.join('\n'))).problems).toEqual([expect.stringMatching(/^1:1 MANIFEST_YAML .*alias/i)]);
  });
});
