// What the API server writes into an updated Service before admission (kept and allocated node ports), the way replay rebuilds it.
import type { JsonObject } from '../../src/request/json-value.js';
import { ALLOCATED_NODE_PORT, serviceWithNodePorts } from '../../src/request/service-node-ports.js';

const service = (spec: JsonObject): JsonObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec });
const port = (name: string, number: number, nodePort?: number): JsonObject => ({ name, port: number, ...(nodePort === undefined ? {} : { nodePort }) });
const nodePorts = (s: JsonObject) => ((s['spec'] as JsonObject)['ports'] as JsonObject[]).map((p) => p['nodePort'] ?? null);

test.each([
  ['a NodePort Service keeps the node port of a port of the same name, and gets one allocated for a new port', { type: 'NodePort', ports: [port('http', 80, 30080)] }, { type: 'NodePort', ports: [port('http', 80), port('extra', 81)] }, [30080, ALLOCATED_NODE_PORT]],
  ['a node port the request gives is kept', { type: 'NodePort', ports: [port('http', 80, 30080)] }, { type: 'NodePort', ports: [port('http', 80, 31000)] }, [31000]],
  ['an old node port another new port already holds is not reused', { type: 'NodePort', ports: [port('a', 80, 30080)] }, { type: 'NodePort', ports: [port('b', 81, 30080), port('a', 80)] }, [30080, ALLOCATED_NODE_PORT]],
  ['ClusterIP turned NodePort: every port gets one allocated (none to keep)', { type: 'ClusterIP', ports: [port('http', 80)] }, { type: 'NodePort', ports: [port('http', 80)] }, [ALLOCATED_NODE_PORT]],
  ['a LoadBalancer with allocateLoadBalancerNodePorts false gets none', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [port('https', 443)] }, { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [port('https', 443), port('http', 80)] }, [null, null]],
  ['switching allocation on allocates for every port', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [port('https', 443)] }, { type: 'LoadBalancer', allocateLoadBalancerNodePorts: true, ports: [port('https', 443)] }, [ALLOCATED_NODE_PORT]],
  ['a ClusterIP Service has none', { type: 'ClusterIP', ports: [port('http', 80)] }, { type: 'ClusterIP', ports: [port('http', 80)] }, [null]],
])('%s', (_name, oldSpec, newSpec, expected) => {
  expect(nodePorts(serviceWithNodePorts(service(newSpec), service(oldSpec)))).toEqual(expected);
});

test('externalTrafficPolicy Local on a LoadBalancer: the old health-check node port is kept, else one is allocated', () => {
  const local = { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, externalTrafficPolicy: 'Local', ports: [] };
  const cluster = { ...local, externalTrafficPolicy: 'Cluster' };
  const spec = (s: JsonObject) => s['spec'] as JsonObject;
  expect(spec(serviceWithNodePorts(service(local), service({ ...local, healthCheckNodePort: 31999 })))['healthCheckNodePort']).toBe(31999);
  expect(spec(serviceWithNodePorts(service(local), service(cluster)))['healthCheckNodePort']).toBe(ALLOCATED_NODE_PORT);
  expect(spec(serviceWithNodePorts(service(cluster), service(local)))).not.toHaveProperty('healthCheckNodePort');
});

test('the input is left as it was, and a Service without spec is returned as is', () => {
  const next = service({ type: 'NodePort', ports: [port('http', 80)] });
  const copy = structuredClone(next);
  serviceWithNodePorts(next, service({ type: 'ClusterIP' }));
  expect(next).toEqual(copy);
  const bare: JsonObject = { kind: 'Service' };
  expect(serviceWithNodePorts(bare, bare)).toBe(bare);
});
