// riskgate's PolicyReports for the auditor tests, made by the cluster audit's own code from live objects: NodePorts in two namespaces, a ClusterIP, a flagged and an exempted DaemonSet.
import { judgeLiveObject } from '../../src/cluster-audit/audit-report.js';
import { buildPolicyReports, type PolicyReport } from '../../src/cluster-audit/policy-report.js';
import { parsePolicy } from '../../src/engine/policy-file.js';
import type { LiveResource } from '../../src/request/from-live-object.js';
import type { JsonObject } from '../../src/request/json-value.js';
import { RULES, requestRules } from '../../src/rules/catalog.js';

const SERVICES: LiveResource = { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true };
const DAEMONSETS: LiveResource = { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true };
const POLICY = parsePolicy(
  'rules:\n  kubernetes-node-port-creation: {action: deny}\n  kubernetes-daemonset-deployed:\n    action: warn\n    exemptions: [{labels: {riskgate.io/approved: platform}}]\n',
  'policy.yaml',
  RULES,
);

function live(resource: LiveResource, namespace: string, name: string, spec: JsonObject, labels: Record<string, string> = {}) {
  return judgeLiveObject({ metadata: { namespace, name, uid: `uid-${namespace}-${name}`, resourceVersion: '1', labels }, spec }, resource, { cluster: 'test', policy: POLICY, rules: requestRules(RULES) });
}

const nodePort = (ns: string, name: string) => live(SERVICES, ns, name, { type: 'NodePort', ports: [{ port: 80 }] });
const clusterIp = (ns: string, name: string) => live(SERVICES, ns, name, { type: 'ClusterIP', ports: [{ port: 80 }] });
const daemonSet = (ns: string, name: string, labels: Record<string, string> = {}) => live(DAEMONSETS, ns, name, { template: { spec: { containers: [{ name: 'a', image: 'busybox' }] } } }, labels);

export const REPORTS: PolicyReport[] = buildPolicyReports(
  [nodePort('team-a', 'web'), nodePort('team-a', 'admin'), nodePort('team-b', 'legacy'), clusterIp('team-b', 'db'), daemonSet('team-a', 'agent'), daemonSet('kube-tools', 'shipper', { 'riskgate.io/approved': 'platform' })],
  { now: new Date('2026-11-20T11:00:00Z'), maxResults: 100 },
);

