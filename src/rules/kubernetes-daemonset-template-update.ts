// Rule (riskgate extension of ESCU DaemonSet Deployed): a DaemonSet UPDATE that changes its pod template.
import type { RequestRule } from './rule.js';
import { KUBERNETES_SECURITY } from './escu-stories.js';
import { DAEMONSET_ESCU } from './kubernetes-daemonset-deployed.js';

export const kubernetesDaemonsetTemplateUpdate: RequestRule = {
  type: 'request',
  id: 'kubernetes-daemonset-template-update',
  name: 'Kubernetes DaemonSet Pod Template Update',
  description:
    'The pod template of an existing DaemonSet changes (image, command, volumes, security context…). Every node then ' +
    'runs the new pod: the same reach as deploying a new DaemonSet, which ESCU only watches at creation. Label or ' +
    'annotation changes on the DaemonSet itself do not count.',
  escu: { ...DAEMONSET_ESCU, isSeed: false },
  match: { apiGroups: ['apps'], apiVersions: ['v1'], resources: ['daemonsets'], operations: ['UPDATE'] },
  condition: { field: 'object.spec.template', changed: true },
  reason: 'a changed DaemonSet pod template rolls new code onto every node of the cluster',
  summary: 'DaemonSet $namespace$/$name$ pod template changed',
  risk: {
    message: 'DaemonSet pod template changed in Kubernetes by user $user$',
    riskObjects: [{ field: 'user', type: 'user', score: 49 }],
    threatObjects: [{ field: 'src_ip', type: 'ip_address' }],
    mitreAttack: ['T1204'],
    analyticStories: [KUBERNETES_SECURITY],
  },
};
