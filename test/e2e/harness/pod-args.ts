// e2e harness: the riskgate container's args from the chart's Deployment, with the in-pod paths and ports mapped to a local process.
import type { K8sObject } from '../../deploy/helm.js';

interface Container {
  name: string;
  args?: string[];
}

export function containerArgs(objects: readonly K8sObject[]): string[] {
  const deployment = objects.find((o) => o.kind === 'Deployment');
  const spec = deployment?.['spec'] as { template: { spec: { containers: Container[] } } } | undefined;
  const container = spec?.template.spec.containers.find((c) => c.name === 'riskgate') ?? spec?.template.spec.containers[0];
  if (!container?.args) throw new Error('the chart render has no riskgate container args');
  return container.args;
}

/**
 * The pod's `serve` flags with each flag that `local` names replaced by its local value (paths of mounted volumes,
 * listening address and ports), minus the leading `serve` (startRiskgate adds it).
 */
export function localArgs(podArgs: readonly string[], local: Record<string, string>): string[] {
  const out: string[] = [];
  for (const arg of podArgs) {
    if (arg === 'serve') continue;
    const flag = arg.split('=')[0]!;
    if (flag in local) continue;
    out.push(arg);
  }
  return [...out, ...Object.entries(local).map(([flag, value]) => `${flag}=${value}`)];
}
