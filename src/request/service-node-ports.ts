// What the API server writes into an updated Service before admission sees it: node ports kept from the old object by port name, the missing ones allocated.
import type { JsonObject, JsonValue } from './json-value.js';
import { isJsonObject } from './json-value.js';

/**
 * The value standing for a node port the API server allocates at this update: the real number is not in the log.
 * 0 is what the API reads as "none given, allocate one", and no real node port: a rule sees it as a new node port.
 */
export const ALLOCATED_NODE_PORT = 0;

function specOf(service: JsonObject): JsonObject {
  const spec = service['spec'];
  return isJsonObject(spec) ? spec : {};
}

function portsOf(spec: JsonObject): JsonObject[] {
  const ports = spec['ports'];
  return Array.isArray(ports) ? ports.filter(isJsonObject) : [];
}

/** Whether the Service holds node ports: NodePort, or LoadBalancer unless allocateLoadBalancerNodePorts is false. */
function needsNodePorts(spec: JsonObject): boolean {
  return spec['type'] === 'NodePort' || (spec['type'] === 'LoadBalancer' && spec['allocateLoadBalancerNodePorts'] !== false);
}

function needsHealthCheckNodePort(spec: JsonObject): boolean {
  return spec['type'] === 'LoadBalancer' && spec['externalTrafficPolicy'] === 'Local';
}

/** A node port the object holds (0 or absent: none given). */
function given(value: JsonValue | undefined): value is number {
  return typeof value === 'number' && value !== 0;
}

/** The node ports of the new ports: kept from the old port of the same name when that port is not taken, else allocated. */
function portsWithNodePorts(ports: JsonObject[], oldPorts: JsonObject[], keepOld: boolean, allocate: boolean): JsonObject[] {
  const used = new Set<number>(ports.map((p) => p['nodePort']).filter(given));
  const oldByName = new Map(oldPorts.map((p) => [String(p['name'] ?? ''), p['nodePort']] as const));
  return ports.map((port) => {
    if (given(port['nodePort'])) return port;
    const old = keepOld ? oldByName.get(String(port['name'] ?? '')) : undefined;
    if (given(old) && !used.has(old)) return { ...port, nodePort: old };
    return allocate ? { ...port, nodePort: ALLOCATED_NODE_PORT } : port;
  });
}

/**
 * The Service `next` as admission would see it after an update from `old`, for the node port fields riskgate's rules
 * read (the API server's patchAllocatedValues, then allocation): when both need node ports, a port without one takes
 * the old port's of the same name (unless another port already has it); a port still without one gets
 * ALLOCATED_NODE_PORT if the new Service needs node ports. The health-check node port likewise.
 */
export function serviceWithNodePorts(next: JsonObject, old: JsonObject): JsonObject {
  const spec = next['spec'];
  if (!isJsonObject(spec)) return next;
  const oldSpec = specOf(old);
  const allocate = needsNodePorts(spec);
  const out: JsonObject = { ...spec };
  if (Array.isArray(spec['ports'])) out['ports'] = portsWithNodePorts(portsOf(spec), portsOf(oldSpec), allocate && needsNodePorts(oldSpec), allocate);
  if (needsHealthCheckNodePort(spec) && !given(spec['healthCheckNodePort'])) {
    const oldPort = needsHealthCheckNodePort(oldSpec) ? oldSpec['healthCheckNodePort'] : undefined;
    out['healthCheckNodePort'] = given(oldPort) ? oldPort : ALLOCATED_NODE_PORT;
  }
  return { ...next, spec: out };
}
