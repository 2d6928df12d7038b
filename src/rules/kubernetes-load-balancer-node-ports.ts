// Rule (riskgate extension of ESCU Node Port Creation): a LoadBalancer Service that opens node ports (allocated, explicit or health check).
import type { Condition, RequestRule } from './rule.js';
import { KUBERNETES_SECURITY } from './escu-stories.js';
import { NODE_PORT_ESCU } from './kubernetes-node-port-creation.js';

type Root = 'object' | 'oldObject';

/**
 * The settings of a LoadBalancer that open a port on every node, as the user writes them (manifest, audit request
 * body) or as the API server hands them to admission (node ports already allocated and filled in).
 */
const opensNodePorts = (root: Root): Condition => ({
  anyOf: [
    // Kubernetes defaults allocateLoadBalancerNodePorts to true: only an explicit false stops the allocation.
    { field: `${root}.spec.allocateLoadBalancerNodePorts`, notEquals: false },
    // An explicitly requested node port is kept whatever allocateLoadBalancerNodePorts says.
    { field: `${root}.spec.ports[*].nodePort`, exists: true },
    // externalTrafficPolicy Local gets a health-check node port (allocated, or the one given), allocation off or not.
    { field: `${root}.spec.externalTrafficPolicy`, equals: 'Local' },
    { field: `${root}.spec.healthCheckNodePort`, exists: true },
  ],
});

/**
 * The old object already had node ports open: a NodePort Service, a node port or health-check node port held (only
 * NodePort and LoadBalancer Services may hold one), or a LoadBalancer set to open them.
 */
const hadNodePorts: Condition = {
  anyOf: [
    { field: 'oldObject.spec.type', equals: 'NodePort' },
    { field: 'oldObject.spec.ports[*].nodePort', exists: true },
    { field: 'oldObject.spec.healthCheckNodePort', exists: true },
    { allOf: [{ field: 'oldObject.spec.type', equals: 'LoadBalancer' }, opensNodePorts('oldObject')] },
  ],
};

/**
 * What makes the request a new exposure: nothing open before (every CREATE), a node port or health-check node port
 * that the old object lacked, or a switch of the setting that makes the API server allocate them. The switches
 * matter to replay, whose old object of a patch keeps the ports the API server allocated after it.
 */
const newExposure: Condition = {
  anyOf: [
    { not: hadNodePorts },
    { field: 'object.spec.ports[*].nodePort', addedValues: true },
    { field: 'object.spec.healthCheckNodePort', addedValues: true },
    { allOf: [{ field: 'object.spec.externalTrafficPolicy', equals: 'Local' }, { field: 'object.spec.externalTrafficPolicy', changed: true }] },
    {
      allOf: [
        { field: 'object.spec.allocateLoadBalancerNodePorts', notEquals: false },
        { field: 'object.spec.allocateLoadBalancerNodePorts', changed: true },
        // A NodePort Service turned LoadBalancer keeps the node ports it had.
        { not: { field: 'oldObject.spec.type', equals: 'NodePort' } },
      ],
    },
  ],
};

export const kubernetesLoadBalancerNodePorts: RequestRule = {
  type: 'request',
  id: 'kubernetes-load-balancer-node-ports',
  name: 'Kubernetes LoadBalancer Node Port Allocation',
  description:
    'A Service of type LoadBalancer opens node ports, the same exposure as a NodePort Service, which ESCU does not see: ' +
    'created (or changed into one, or gaining node ports) without allocateLoadBalancerNodePorts: false, with an ' +
    'explicit spec.ports[].nodePort (kept even when allocation is off), or with externalTrafficPolicy: Local ' +
    '(a health-check node port on every node).',
  escu: { ...NODE_PORT_ESCU, isSeed: false },
  match: { apiGroups: [''], apiVersions: ['v1'], resources: ['services'], operations: ['CREATE', 'UPDATE'] },
  condition: {
    allOf: [{ field: 'object.spec.type', equals: 'LoadBalancer' }, opensNodePorts('object'), newExposure],
  },
  reason:
    'LoadBalancer Services open node ports on every node: allocated unless spec.allocateLoadBalancerNodePorts is false, ' +
    'and even then for an explicit spec.ports[].nodePort and for the health-check port of externalTrafficPolicy: Local',
  summary: 'LoadBalancer Service $namespace$/$name$ allocates node ports',
  risk: {
    message: 'Kubernetes LoadBalancer service with node ports from user $user$',
    riskObjects: [{ field: 'user', type: 'user', score: 20 }],
    threatObjects: [{ field: 'src_ip', type: 'ip_address' }],
    mitreAttack: ['T1204'],
    analyticStories: [KUBERNETES_SECURITY],
  },
};
