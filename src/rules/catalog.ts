// The rule catalog: every detection riskgate knows, in a stable order; the single list read by engine, policy, SPL and chart.
import type { MetricRule, RequestRule, Rule } from './rule.js';
import { kubernetesNodePortCreation } from './kubernetes-node-port-creation.js';
import { kubernetesNodePortUpdate } from './kubernetes-node-port-update.js';
import { kubernetesLoadBalancerNodePorts } from './kubernetes-load-balancer-node-ports.js';
import { kubernetesDaemonsetDeployed } from './kubernetes-daemonset-deployed.js';
import { kubernetesDaemonsetTemplateUpdate } from './kubernetes-daemonset-template-update.js';
import { kubernetesNewlySeenTcpEdge } from './kubernetes-newly-seen-tcp-edge.js';
import { kubernetesShellRunningOnWorkerNode } from './kubernetes-shell-running-on-worker-node.js';
import { kubernetesShellExecIntoPod } from './kubernetes-shell-exec-into-pod.js';

export const RULES: readonly Rule[] = [
  kubernetesNodePortCreation,
  kubernetesNodePortUpdate,
  kubernetesLoadBalancerNodePorts,
  kubernetesDaemonsetDeployed,
  kubernetesDaemonsetTemplateUpdate,
  kubernetesNewlySeenTcpEdge,
  kubernetesShellRunningOnWorkerNode,
  kubernetesShellExecIntoPod,
];

export const RULE_IDS: readonly string[] = RULES.map((r) => r.id);

export function findRule(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}

export function requestRules(rules: readonly Rule[] = RULES): RequestRule[] {
  return rules.filter((r): r is RequestRule => r.type === 'request');
}

export function metricRules(rules: readonly Rule[] = RULES): MetricRule[] {
  return rules.filter((r): r is MetricRule => r.type === 'metric');
}
