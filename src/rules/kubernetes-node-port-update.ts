// Rule (riskgate extension of ESCU Node Port Creation): a Service UPDATE that turns it into NodePort or adds node ports.
import type { RequestRule } from './rule.js';
import { KUBERNETES_SECURITY } from './escu-stories.js';
import { NODE_PORT_ESCU } from './kubernetes-node-port-creation.js';

export const kubernetesNodePortUpdate: RequestRule = {
  type: 'request',
  id: 'kubernetes-node-port-update',
  name: 'Kubernetes Node Port Update',
  description:
    'An existing Service is changed into a NodePort Service, or a NodePort Service gains node ports. ' +
    'ESCU only watches creation; `kubectl patch` or `kubectl edit` reach the same exposure through an update.',
  escu: { ...NODE_PORT_ESCU, isSeed: false },
  match: { apiGroups: [''], apiVersions: ['v1'], resources: ['services'], operations: ['UPDATE'] },
  condition: {
    allOf: [
      { field: 'object.spec.type', equals: 'NodePort' },
      {
        anyOf: [
          { field: 'oldObject.spec.type', notEquals: 'NodePort' },
          { field: 'object.spec.ports[*].nodePort', addedValues: true },
        ],
      },
    ],
  },
  reason: 'turning a Service into NodePort exposes a port on every node of the cluster',
  summary: 'Service $namespace$/$name$ was changed to type NodePort or gained node ports',
  risk: {
    message: 'Kubernetes node port update from user $user$',
    riskObjects: [{ field: 'user', type: 'user', score: 20 }],
    threatObjects: [{ field: 'src_ip', type: 'ip_address' }],
    mitreAttack: ['T1204'],
    analyticStories: [KUBERNETES_SECURITY],
  },
};
