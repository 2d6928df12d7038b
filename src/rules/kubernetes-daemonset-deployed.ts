// Rule: ESCU "Kubernetes DaemonSet Deployed" (bf39c3a3-b191-4d42-8738-9d9797bd0c3a, v3): a DaemonSet is created.
import type { RequestRule } from './rule.js';
import { KUBERNETES_SECURITY } from './escu-stories.js';

export const DAEMONSET_ESCU = {
  name: 'Kubernetes DaemonSet Deployed',
  id: 'bf39c3a3-b191-4d42-8738-9d9797bd0c3a',
  version: 3,
  date: '2024-09-30',
  url: 'https://research.splunk.com/cloud/bf39c3a3-b191-4d42-8738-9d9797bd0c3a/',
} as const;

export const kubernetesDaemonsetDeployed: RequestRule = {
  type: 'request',
  id: 'kubernetes-daemonset-deployed',
  name: 'Kubernetes DaemonSet Deployed',
  description:
    'A DaemonSet is created. A DaemonSet runs a pod on every node, a common way to gain persistent, cluster-wide ' +
    'execution (and, with host access, control of the nodes themselves).',
  escu: { ...DAEMONSET_ESCU, isSeed: true },
  match: { apiGroups: ['apps'], apiVersions: ['v1'], resources: ['daemonsets'], operations: ['CREATE'] },
  reason: 'DaemonSets run a pod on every node of the cluster',
  summary: 'DaemonSet $namespace$/$name$ is created',
  risk: {
    message: 'DaemonSet deployed to Kubernetes by user $user$',
    // v4 ESCU: impact 70 × confidence 70 / 100 = 49; no v5 rba block was published for this detection yet.
    riskObjects: [{ field: 'user', type: 'user', score: 49 }],
    threatObjects: [{ field: 'src_ip', type: 'ip_address' }],
    mitreAttack: ['T1204'],
    analyticStories: [KUBERNETES_SECURITY],
  },
};
