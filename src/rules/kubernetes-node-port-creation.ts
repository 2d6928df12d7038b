// Rule: ESCU "Kubernetes Node Port Creation" (d7fc865e-b8a1-4029-a960-cf4403b821b6, v8): a Service created with type NodePort.
import type { RequestRule } from './rule.js';
import { KUBERNETES_SECURITY } from './escu-stories.js';

export const NODE_PORT_ESCU = {
  name: 'Kubernetes Node Port Creation',
  id: 'd7fc865e-b8a1-4029-a960-cf4403b821b6',
  version: 8,
  date: '2026-03-10',
  url: 'https://research.splunk.com/cloud/d7fc865e-b8a1-4029-a960-cf4403b821b6/',
} as const;

export const kubernetesNodePortCreation: RequestRule = {
  type: 'request',
  id: 'kubernetes-node-port-creation',
  name: 'Kubernetes Node Port Creation',
  description:
    'A Service of type NodePort is created. A NodePort opens the same port on every node of the cluster and exposes ' +
    'the workload behind it to anything that can reach a node, bypassing ingress controls.',
  escu: { ...NODE_PORT_ESCU, isSeed: true },
  match: { apiGroups: [''], apiVersions: ['v1'], resources: ['services'], operations: ['CREATE'] },
  condition: { field: 'object.spec.type', equals: 'NodePort' },
  reason: 'NodePort Services expose a port on every node of the cluster',
  summary: 'Service $namespace$/$name$ is of type NodePort',
  risk: {
    message: 'Kubernetes node port creation from user $user$',
    riskObjects: [{ field: 'user', type: 'user', score: 20 }],
    threatObjects: [{ field: 'src_ip', type: 'ip_address' }],
    mitreAttack: ['T1204'],
    analyticStories: [KUBERNETES_SECURITY],
  },
};
