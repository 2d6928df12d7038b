// Rule: ESCU "Kubernetes newly seen TCP edge" (13f081d6-7052-428a-bbb0-892c79ca7c65, v3): a workload pair talks for the first time.
import type { NewlySeenEdgeRule } from './rule.js';
import { ABNORMAL_KUBERNETES_BEHAVIOR } from './escu-stories.js';

const HOUR = 3600;
const DAY = 24 * HOUR;

export const kubernetesNewlySeenTcpEdge: NewlySeenEdgeRule = {
  type: 'metric',
  detector: 'newly-seen-edge',
  id: 'kubernetes-newly-seen-tcp-edge',
  name: 'Kubernetes newly seen TCP edge',
  description:
    'TCP traffic (network metrics tcp.packets) between a source and a destination workload of a cluster that had no ' +
    'traffic between them in the baseline window (30 days by default). A new edge may be a changed application, or ' +
    'lateral movement from a compromised workload. Unlike the ESCU search, the baseline is kept per cluster and an ' +
    'edge seen before the window counts as new again.',
  escu: {
    name: 'Kubernetes newly seen TCP edge',
    id: '13f081d6-7052-428a-bbb0-892c79ca7c65',
    version: 3,
    date: '2024-10-17',
    isSeed: true,
    url: 'https://research.splunk.com/cloud/13f081d6-7052-428a-bbb0-892c79ca7c65/',
  },
  metrics: {
    indexMacro: 'kubernetes_metrics',
    metric: 'tcp.packets',
    countField: 'tcp.packets_count',
    clusterDimension: 'k8s.cluster.name',
    sourceDimension: 'source.workload.name',
    destDimension: 'dest.workload.name',
    rename: { from: 'k8s.cluster.name', to: 'host' },
    currentWindowSeconds: HOUR,
    baselineWindowSeconds: 30 * DAY,
    warmupSeconds: HOUR,
  },
  reason: 'a workload talking to a workload it never talked to in the baseline window may be lateral movement',
  summary: 'new TCP edge $source.workload.name$ -> $dest.workload.name$ in cluster $host$',
  risk: {
    message: 'Kubernetes newly seen TCP edge in kubernetes cluster $host$',
    // v3 ESCU: impact 50 × confidence 50 / 100 = 25; observable host (Hostname, Victim) → risk object type system.
    riskObjects: [{ field: 'host', type: 'system', score: 25 }],
    threatObjects: [],
    mitreAttack: ['T1204'],
    analyticStories: [ABNORMAL_KUBERNETES_BEHAVIOR],
  },
};
