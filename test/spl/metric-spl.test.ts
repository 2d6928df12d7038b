// The metric rules' mstats searches: seed 004 reproduced from rule data, seed 003 corrected, options and exemptions applied.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPolicy } from '../../src/engine/policy.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import { RULES } from '../../src/rules/catalog.js';
import { kubernetesNewlySeenTcpEdge } from '../../src/rules/kubernetes-newly-seen-tcp-edge.js';
import { kubernetesShellRunningOnWorkerNode } from '../../src/rules/kubernetes-shell-running-on-worker-node.js';
import { metricSearch, relativeTime } from '../../src/spl/metric-spl.js';
import { toSpl } from '../../src/spl/to-spl.js';
import { riskgate } from '../replay/cli-process.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'metric-golden');
const golden = (name: string) => readFileSync(join(GOLDEN, name), 'utf8');
/** Whitespace aside (the seed YAML folds lines and writes `"csh", "tcsh"` with a space). */
const normalized = (spl: string) => spl.replace(/\s+/g, ' ').replace(/, /g, ',').replace(/\[ /g, '[').replace(/ \]/g, ']').trim();

const edgeSearch = metricSearch(kubernetesNewlySeenTcpEdge);
const shellSearch = metricSearch(kubernetesShellRunningOnWorkerNode);

describe('metric rule searches', () => {
  test('seed 004: the search written from the rule data is ESCU\'s search', () => {
    expect(normalized(shellSearch)).toBe(normalized(golden('kubernetes-shell-running-on-worker-node.v4.spl')));
  });

  test('seed 003 corrected: pinned text', () => {
    expect(`${edgeSearch}\n`).toBe(golden('kubernetes-newly-seen-tcp-edge.corrected.spl'));
  });

  test('seed 003 corrected: both windows group by cluster, the subsearch is generating, no != on a multivalue field', () => {
    const seed = golden('kubernetes-newly-seen-tcp-edge.v3.spl');
    const byLists = (spl: string) => [...spl.matchAll(/mstats [^|\]]*? by ([^|\]]*?)\s*(?:\||\])/g)].map((m) => m[1]!.trim());
    expect(byLists(seed)).toEqual(['k8s.cluster.name source.workload.name dest.workload.name', 'source.workload.name dest.workload.name']);
    expect(byLists(edgeSearch)).toEqual(Array(2).fill('k8s.cluster.name source.workload.name dest.workload.name'));
    expect(seed).toMatch(/\[ mstats/);
    expect(edgeSearch).toContain('append [| mstats');
    expect(seed).toContain('current!="false"');
    expect(edgeSearch).not.toMatch(/!=|values\(/);
    expect(edgeSearch).toContain('max(current) as current max(previous) as previous by k8s.cluster.name source.workload.name dest.workload.name | where current=1 AND previous=0');
    // Same tail as the seed: host is the cluster, the filter macro closes the search.
    expect(edgeSearch.endsWith('| rename k8s.cluster.name as host | `kubernetes_newly_seen_tcp_edge_filter`')).toBe(true);
  });

  test('windows and shells follow the options the detectors get', () => {
    expect(metricSearch(kubernetesNewlySeenTcpEdge, undefined, { baselineWindowSeconds: 7 * 86_400 })).toContain('earliest=-7d latest=-1h');
    expect(metricSearch(kubernetesShellRunningOnWorkerNode, undefined, { shells: ['sh', 'bash', 'zsh'] })).toContain('process.executable.name IN ("sh","bash","zsh")');
    expect([3600, 2_592_000, 90, 120].map(relativeTime)).toEqual(['-1h', '-30d', '-90s', '-2m']);
  });

  test('cluster, node and workload exemptions become NOT clauses on the dimensions the rows carry', () => {
    const policy = parsePolicy(
      [
        'apiVersion: riskgate.io/v1',
        'kind: Policy',
        'exemptions:',
        '  clusters: [lab-*]',
        'rules:',
        '  kubernetes-newly-seen-tcp-edge:',
        '    exemptions:',
        '      clusters: [staging]',
        '      workloads: [prometheus, "scanner *"]',
        '  kubernetes-shell-running-on-worker-node:',
        '    exemptions:',
        '      nodes: [bastion-1]',
        '      namespaces: [debug]',
      ].join('\n'),
      'policy.yaml',
      RULES,
    );
    expect(metricSearch(kubernetesNewlySeenTcpEdge, policy)).toContain(
      '| search NOT (k8s.cluster.name IN (lab-*, staging)) NOT (source.workload.name IN (prometheus, "scanner *")) | rename',
    );
    const shell = metricSearch(kubernetesShellRunningOnWorkerNode, policy);
    expect(shell).toContain('| search NOT k8s.cluster.name=lab-* NOT k8s.node.name=bastion-1 | rename host.name as host');
    expect(shell).not.toContain('debug');
    expect(metricSearch(kubernetesShellRunningOnWorkerNode, defaultPolicy(RULES))).toBe(shellSearch);
  });

  test('riskgate spl (toSpl with this writer) emits both metric searches', () => {
    const exported = toSpl(RULES, defaultPolicy(RULES), (rule) => metricSearch(rule));
    const byId = new Map(exported.searches.map((s) => [s.rule.id, s]));
    expect(byId.get('kubernetes-newly-seen-tcp-edge')).toMatchObject({ searchName: 'ESCU - Kubernetes newly seen TCP edge - Rule', search: edgeSearch });
    expect(byId.get('kubernetes-shell-running-on-worker-node')).toMatchObject({ searchName: 'ESCU - Kubernetes Shell Running on Worker Node - Rule', search: shellSearch });
    expect(exported.skipped).toEqual([]);
  });

  test('the riskgate spl command prints the corrected seed 003 and the seed 004 search, and leaves neither out', async () => {
    const edge = await riskgate(['spl', '--rule', 'kubernetes-newly-seen-tcp-edge']);
    expect(edge.code).toBe(0);
    expect(edge.stdout).toBe(golden('kubernetes-newly-seen-tcp-edge.corrected.spl'));
    const shell = await riskgate(['spl', '--rule', 'kubernetes-shell-running-on-worker-node']);
    expect(shell.stdout).toBe(`${shellSearch}\n`);
    const all = await riskgate(['spl']);
    expect(all.stderr).not.toContain('left out');
    expect(all.stdout).toContain(`# kubernetes-newly-seen-tcp-edge: ESCU - Kubernetes newly seen TCP edge - Rule\n${edgeSearch}\n`);
  });
});
