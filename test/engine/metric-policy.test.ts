// The policy over metric findings: record or off only, and exemptions by cluster, node, namespace and workload.
import { BaselineStore } from '../../src/baseline/baseline-store.js';
import { decide } from '../../src/engine/decide.js';
import { detectMetrics, wantedMetrics } from '../../src/engine/detect-metrics.js';
import { metricOptions } from '../../src/engine/metric-options.js';
import { parsePolicy, PolicyError } from '../../src/engine/policy-file.js';
import { RULES } from '../../src/rules/catalog.js';
import { metricPoints } from '../../src/signals/metric-points.js';
import { edgePayload, processPayload } from '../otlp/collector-payload.js';
import type { Process } from '../otlp/collector-payload.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const EDGE = 'kubernetes-newly-seen-tcp-edge';
const SHELL = 'kubernetes-shell-running-on-worker-node';

const policyOf = (text: string) => parsePolicy(`apiVersion: riskgate.io/v1\nkind: Policy\n${text}`, 'policy.yaml', RULES);

/** Findings of one payload with a fresh baseline and no warm-up, decided under `policyText`. */
async function decideOn(payload: object, policyText: string) {
  const options = metricOptions(RULES, { warmup: '0s' });
  const store = await BaselineStore.open({ windowMs: options.baselineWindowMs });
  const { findings } = detectMetrics(metricPoints(payload, wantedMetrics(RULES), T0), RULES, { edges: store, shellReports: store }, options);
  return decide(findings, policyOf(policyText), new Date());
}

const shell = (over: Partial<Process>): Process => ({
  host: 'node-1',
  cluster: 'prod-eu',
  node: 'node-1',
  pid: 100,
  executable: 'bash',
  cpu: [0.01],
  memory: [0.002],
  timeMs: T0,
  ...over,
});

/** Two shells in two namespaces on two nodes of two clusters, as the k8sattributes processor labels them. */
const shells = processPayload([
  shell({ namespace: 'shop', pod: 'cart-7d9f-abcde' }),
  shell({ pid: 101, node: 'node-2', host: 'node-2', namespace: 'debug', pod: 'toolbox' }),
  shell({ pid: 102, cluster: 'lab', namespace: 'shop', pod: 'cart-7d9f-fghij' }),
]);
const edges = edgePayload([
  { cluster: 'prod-eu', source: 'frontend', dest: 'cart', timeMs: T0 },
  { cluster: 'prod-eu', source: 'scanner', dest: 'cart', timeMs: T0 },
  { cluster: 'lab', source: 'frontend', dest: 'cart', timeMs: T0 },
]);

const recorded = (d: Awaited<ReturnType<typeof decideOn>>) => d.verdicts.map((v) => `${v.action} ${v.finding.fields['host']}/${v.finding.fields['process.pid'] ?? v.finding.fields['source.workload.name']}`);
const exempt = (d: Awaited<ReturnType<typeof decideOn>>) => d.exempted.map((e) => `${e.finding.fields['host']}/${e.finding.fields['process.pid'] ?? e.finding.fields['source.workload.name']} ${e.exemption}`);

describe('policy over metric rules', () => {
  test.each([
    [EDGE, 'deny'],
    [EDGE, 'warn'],
    [SHELL, 'deny'],
    [SHELL, 'warn'],
  ])('%s cannot %s: nothing to refuse after the fact, the policy file says so', (rule, action) => {
    const error = (() => {
      try {
        return policyOf(`rules:\n  ${rule}: {action: ${action}}\n`);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).message).toBe(`policy.yaml:4:${rule.length + 14}: rules.${rule}.action: unknown action "${action}" (expected one of: record, off)`);
  });

  test('a defaultAction of deny leaves the metric rules recording', () => {
    const policy = policyOf('defaultAction: deny\n');
    expect([policy.rules.get(EDGE)?.action, policy.rules.get(SHELL)?.action, policy.rules.get('kubernetes-node-port-creation')?.action]).toEqual(['record', 'record', 'deny']);
  });

  test.each([
    ['users', '[admin]'],
    ['groups', '["system:masters"]'],
    ['serviceAccounts', '["ci:deployer"]'],
    ['labels', '{team: platform}'],
  ])('the request-only exemption %s is refused on a metric rule (its findings have no user or labels)', (key, value) => {
    expect(() => policyOf(`rules:\n  ${SHELL}:\n    exemptions: {${key}: ${value}}\n`)).toThrow(
      `rules.${SHELL}.exemptions.${key}: unknown key (expected one of: namespaces, clusters, nodes, workloads, expires, reason)`,
    );
  });

  test('shells: exemptions by cluster, node, namespace and workload each exempt their own process', async () => {
    const none = await decideOn(shells, '');
    expect(recorded(none)).toEqual(['record node-1/100', 'record node-2/101', 'record node-1/102']);
    const byCluster = await decideOn(shells, `rules:\n  ${SHELL}:\n    exemptions: {clusters: [lab]}\n`);
    expect(exempt(byCluster)).toEqual(['node-1/102 rule cluster=lab']);
    const byNode = await decideOn(shells, `rules:\n  ${SHELL}:\n    exemptions: {nodes: ["node-2"]}\n`);
    expect(exempt(byNode)).toEqual(['node-2/101 rule node=node-2']);
    const byNamespace = await decideOn(shells, `rules:\n  ${SHELL}:\n    exemptions: {namespaces: [debug]}\n`);
    expect(exempt(byNamespace)).toEqual(['node-2/101 rule namespace=debug']);
    const byWorkload = await decideOn(shells, `rules:\n  ${SHELL}:\n    exemptions: {workloads: ["cart-*"]}\n`);
    expect(exempt(byWorkload)).toEqual(['node-1/100 rule workload=cart-*', 'node-1/102 rule workload=cart-*']);
    expect(recorded(byWorkload)).toEqual(['record node-2/101']);
  });

  test('edges: exemptions by cluster, source workload and its namespace; policy-wide exemptions apply too', async () => {
    const byWorkload = await decideOn(edges, `rules:\n  ${EDGE}:\n    exemptions: {workloads: [scanner]}\n`);
    expect(exempt(byWorkload)).toEqual(['prod-eu/scanner rule workload=scanner']);
    expect(recorded(byWorkload)).toEqual(['record prod-eu/frontend', 'record lab/frontend']);
    // collector-payload puts the edges' source in namespace shop.
    const byNamespace = await decideOn(edges, `rules:\n  ${EDGE}:\n    exemptions: {namespaces: [shop]}\n`);
    expect(byNamespace.verdicts).toEqual([]);
    const global = await decideOn(edges, 'exemptions: {clusters: [lab]}\n');
    expect(exempt(global)).toEqual(['lab/frontend policy cluster=lab']);
  });

  test('off records nothing for that rule only', async () => {
    const decision = await decideOn(shells, `rules:\n  ${SHELL}: {action: "off"}\n`);
    expect(decision).toEqual({ allowed: true, verdicts: [], exempted: [] });
    expect(recorded(await decideOn(edges, `rules:\n  ${SHELL}: {action: "off"}\n`))).toHaveLength(3);
  });
});
