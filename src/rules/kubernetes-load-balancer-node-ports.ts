// Rule (riskgate extension of ESCU Node Port Creation): a LoadBalancer Service that also allocates node ports.
import type { RequestRule } from './rule.js';
import { KUBERNETES_SECURITY } from './escu-stories.js';
import { NODE_PORT_ESCU } from './kubernetes-node-port-creation.js';

const allocatingLoadBalancer = (root: 'object' | 'oldObject') => ({
  allOf: [
    { field: `${root}.spec.type`, equals: 'LoadBalancer' },
    // Kubernetes defaults allocateLoadBalancerNodePorts to true: only an explicit false stops the allocation.
    { field: `${root}.spec.allocateLoadBalancerNodePorts`, notEquals: false },
  ],
});

export const kubernetesLoadBalancerNodePorts: RequestRule = {
  type: 'request',
  id: 'kubernetes-load-balancer-node-ports',
  name: 'Kubernetes LoadBalancer Node Port Allocation',
  description:
    'A Service of type LoadBalancer is created (or changed into one) without allocateLoadBalancerNodePorts: false. ' +
    'Kubernetes then allocates a node port per Service port, the same exposure as a NodePort Service, which ESCU does not see.',
  escu: { ...NODE_PORT_ESCU, isSeed: false },
  match: { apiGroups: [''], apiVersions: ['v1'], resources: ['services'], operations: ['CREATE', 'UPDATE'] },
  condition: {
    allOf: [
      allocatingLoadBalancer('object'),
      {
        anyOf: [{ not: allocatingLoadBalancer('oldObject') }, { field: 'object.spec.ports[*].nodePort', addedValues: true }],
      },
    ],
  },
  reason: 'LoadBalancer Services allocate node ports on every node unless spec.allocateLoadBalancerNodePorts is false',
  summary: 'LoadBalancer Service $namespace$/$name$ allocates node ports',
  risk: {
    message: 'Kubernetes LoadBalancer service with node ports from user $user$',
    riskObjects: [{ field: 'user', type: 'user', score: 20 }],
    threatObjects: [{ field: 'src_ip', type: 'ip_address' }],
    mitreAttack: ['T1204'],
    analyticStories: [KUBERNETES_SECURITY],
  },
};
