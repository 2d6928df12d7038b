// Rule: ESCU "Kubernetes Shell Running on Worker Node" (efebf0c4-dcf4-496f-85a2-5ab7ad8fa876, v4): a shell process uses CPU or memory.
import type { ShellProcessRule } from './rule.js';
import { ABNORMAL_KUBERNETES_BEHAVIOR } from './escu-stories.js';

export const SHELL_ON_WORKER_NODE_ESCU = {
  name: 'Kubernetes Shell Running on Worker Node',
  id: 'efebf0c4-dcf4-496f-85a2-5ab7ad8fa876',
  version: 4,
  date: '2024-10-17',
  url: 'https://research.splunk.com/cloud/efebf0c4-dcf4-496f-85a2-5ab7ad8fa876/',
} as const;

/** The seed's list (sh, bash, csh, tcsh) and the shells riskgate adds on request. */
export const SEED_SHELLS = ['sh', 'bash', 'csh', 'tcsh'] as const;
export const EXTENDED_SHELLS = ['dash', 'zsh', 'ash', 'ksh'] as const;

export const kubernetesShellRunningOnWorkerNode: ShellProcessRule = {
  type: 'metric',
  detector: 'shell-process',
  id: 'kubernetes-shell-running-on-worker-node',
  name: 'Kubernetes Shell Running on Worker Node',
  description:
    'A shell process (process metrics of the OpenTelemetry hostmetrics process scraper) uses CPU or memory on a ' +
    'worker node. Shells rarely run on nodes or in containers outside of someone typing into them; one finding per ' +
    'host × pid, its utilisation averaged over the 10 s buckets where it was above zero, as the ESCU search does.',
  escu: { ...SHELL_ON_WORKER_NODE_ESCU, isSeed: true },
  metrics: {
    indexMacro: 'kubernetes_metrics',
    metrics: ['process.cpu.utilization', 'process.memory.utilization'],
    executableDimension: 'process.executable.name',
    groupBy: ['host.name', 'k8s.cluster.name', 'k8s.node.name', 'process.pid', 'process.executable.name'],
    shells: [...SEED_SHELLS],
    extendedShells: [...EXTENDED_SHELLS],
    spanSeconds: 10,
    rename: { from: 'host.name', to: 'host' },
    reportWindowSeconds: 3600,
  },
  reason: 'a shell running on a worker node is someone (or something) executing commands by hand inside the cluster',
  summary: 'shell $process.executable.name$ (pid $process.pid$) running on node $k8s.node.name$ of cluster $k8s.cluster.name$',
  risk: {
    message: 'Kubernetes shell running on worker node on host $host$',
    // v4 ESCU: impact 50 × confidence 50 / 100 = 25; observable host (Hostname, Victim) → risk object type system.
    riskObjects: [{ field: 'host', type: 'system', score: 25 }],
    // riskgate addition: the shell's name as threat object (contentctl RBA type process_name), so risk events can be grouped by it.
    threatObjects: [{ field: 'process.executable.name', type: 'process_name' }],
    mitreAttack: ['T1204'],
    analyticStories: [ABNORMAL_KUBERNETES_BEHAVIOR],
  },
};
