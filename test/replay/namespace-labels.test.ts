// namespaceLabels exemptions in replay: the labels come from --namespaces (kubectl get namespaces -o yaml) and from the Namespace writes the log itself shows.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NamespaceLabelMemory } from '../../src/replay/namespace-label-memory.js';
import type { JsonValue } from '../../src/request/json-value.js';
import { fixturePath } from '../fixture-path.js';
import { riskgate } from './cli-process.js';

const V132 = fixturePath('kube-apiserver-v1.32', 'audit.log.jsonl');
const POLICY = 'rules:\n  kubernetes-node-port-creation:\n    exemptions: {namespaceLabels: {team: edge}}\n';

/** A Namespace write as the API server logs it at RequestResponse level (the real log above holds none: its namespace existed before). */
function namespaceEvent(verb: string, name: string, labels: Record<string, string> | undefined, code = 200): JsonValue {
  const object = { kind: 'Namespace', apiVersion: 'v1', metadata: { name, ...(labels ? { labels } : {}) } };
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: `ns-${verb}-${name}-${code}`,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/${name}`,
    verb,
    user: { username: 'cluster-admin', groups: ['system:masters'] },
    objectRef: { resource: 'namespaces', name, apiVersion: 'v1' },
    responseStatus: { metadata: {}, code },
    ...(code < 300 ? { responseObject: object } : {}),
    requestReceivedTimestamp: '2026-01-01T00:00:00.000000Z',
    stageTimestamp: '2026-01-01T00:00:00.001000Z',
  };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'riskgate-replay-ns-'));
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = (stdout: string) => /\(kubernetes-node-port-creation\): (\d+) rows/.exec(stdout)?.[1];

describe('riskgate replay with namespaceLabels exemptions', () => {
  test('labels unknown (no --namespaces, no Namespace write in the log): nothing is exempt', async () => {
    const run = await riskgate(['replay', '--policy', join(dir, 'policy.yaml'), V132]);
    expect(run.code).toBe(0);
    expect(rows(run.stdout)).toBe('4');
  });

  test('--namespaces: a List of Namespaces as kubectl prints it labels default, and its NodePort creates are exempt', async () => {
    const list = join(dir, 'namespaces.yaml');
    writeFileSync(list, 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: default, labels: {team: edge}}\n');
    const run = await riskgate(['replay', '--policy', join(dir, 'policy.yaml'), '--namespaces', list, V132]);
    expect(run.code).toBe(0);
    expect(rows(run.stdout)).toBe('0');
  });

  test('a Namespace patch in the log labels the namespace for the requests after it; a later one that drops the label ends it', async () => {
    const lines = readFileSync(V132, 'utf8').trim().split('\n');
    const labelled = join(dir, 'labelled.jsonl');
    writeFileSync(labelled, [JSON.stringify(namespaceEvent('patch', 'default', { team: 'edge' })), ...lines].join('\n'));
    expect(rows((await riskgate(['replay', '--policy', join(dir, 'policy.yaml'), labelled])).stdout)).toBe('0');
    const unlabelled = join(dir, 'unlabelled.jsonl');
    writeFileSync(unlabelled, [JSON.stringify(namespaceEvent('patch', 'default', { team: 'edge' })), JSON.stringify(namespaceEvent('update', 'default', undefined)), ...lines].join('\n'));
    expect(rows((await riskgate(['replay', '--policy', join(dir, 'policy.yaml'), unlabelled])).stdout)).toBe('4');
  });

  test('--namespaces that holds something else than Namespaces: exit 1 naming the file and line', async () => {
    const wrong = join(dir, 'wrong.yaml');
    writeFileSync(wrong, 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\n');
    const run = await riskgate(['replay', '--policy', join(dir, 'policy.yaml'), '--namespaces', wrong, V132]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`riskgate replay: --namespaces ${wrong}:5: Service is not a Namespace (give kubectl get namespaces -o yaml)\n`);
  });
});

describe('NamespaceLabelMemory', () => {
  test('takes successful Namespace writes, ignores refused ones and other resources, forgets deleted namespaces', () => {
    const memory = new NamespaceLabelMemory();
    memory.observe(namespaceEvent('create', 'a', { team: 'edge' }));
    memory.observe(namespaceEvent('patch', 'a', { team: 'core' }, 403));
    memory.observe({ ...(namespaceEvent('patch', 'b', { team: 'edge' }) as object), objectRef: { resource: 'services', namespace: 'b', name: 'b', apiVersion: 'v1' } });
    memory.observe({ ...(namespaceEvent('patch', 'c', { team: 'edge' }) as object), stage: 'ResponseStarted' });
    expect(memory.labelsOf('a')).toEqual({ team: 'edge' });
    expect(memory.labelsOf('b')).toBeUndefined();
    expect(memory.labelsOf('c')).toBeUndefined();
    memory.observe(namespaceEvent('delete', 'a', undefined));
    expect(memory.labelsOf('a')).toBeUndefined();
  });

  test('bounded: past its capacity the namespace written longest ago is forgotten', () => {
    const memory = new NamespaceLabelMemory(2);
    for (const name of ['a', 'b', 'a', 'c']) memory.observe(namespaceEvent('update', name, { n: name }));
    expect([memory.labelsOf('a'), memory.labelsOf('b'), memory.labelsOf('c')]).toEqual([{ n: 'a' }, undefined, { n: 'c' }]);
  });
});
