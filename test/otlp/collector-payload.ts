// Builds ExportMetricsServiceRequest bodies in the shapes the OpenTelemetry collector exports (synthetic data, real layout).
import type { OtlpKeyValue, OtlpMetricsRequest, OtlpResourceMetrics } from '../../src/signals/otlp-metrics.js';

export const PROCESS_SCOPE = {
  name: 'github.com/open-telemetry/opentelemetry-collector-contrib/receiver/hostmetricsreceiver/internal/scraper/processscraper',
  version: '0.139.0',
};
export const NETWORK_SCOPE = { name: 'network-explorer', version: '0.10.0' };

/** Nanoseconds since the epoch as OTLP/JSON writes 64-bit integers: a decimal string. */
export function nanos(ms: number): string {
  return `${BigInt(ms) * 1_000_000n}`;
}

function str(key: string, value: string): OtlpKeyValue {
  return { key, value: { stringValue: value } };
}

export interface Edge {
  cluster: string;
  source: string;
  dest: string;
  timeMs: number;
  packets?: number;
}

/**
 * Network metrics: the cluster on the resource (the collector's resource processor sets k8s.cluster.name), the
 * workloads on each data point of the cumulative `tcp.packets` sum, as the network explorer reports edges.
 */
export function edgePayload(edges: readonly Edge[]): OtlpMetricsRequest {
  const clusters = [...new Set(edges.map((e) => e.cluster))];
  return {
    resourceMetrics: clusters.map(
      (cluster): OtlpResourceMetrics => ({
        resource: { attributes: [str('k8s.cluster.name', cluster), str('telemetry.sdk.name', 'network-explorer')] },
        scopeMetrics: [
          {
            scope: NETWORK_SCOPE,
            metrics: [
              {
                name: 'tcp.packets',
                unit: '{packet}',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: edges
                    .filter((e) => e.cluster === cluster)
                    .map((e) => ({
                      attributes: [str('source.workload.name', e.source), str('dest.workload.name', e.dest), str('source.k8s.namespace.name', 'shop')],
                      startTimeUnixNano: nanos(e.timeMs - 60_000),
                      timeUnixNano: nanos(e.timeMs),
                      asInt: String(e.packets ?? 42),
                    })),
                },
              },
              {
                name: 'tcp.bytes',
                unit: 'By',
                sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ timeUnixNano: nanos(edges[0]?.timeMs ?? 0), asInt: '1024' }] },
              },
            ],
          },
        ],
      }),
    ),
  };
}

export interface Process {
  host: string;
  cluster?: string;
  node?: string;
  pid: number;
  executable: string;
  /** One value per scrape (10 s apart from timeMs); split over the user/system/wait states like the scraper does. */
  cpu: number[];
  memory: number[];
  timeMs: number;
  namespace?: string;
  pod?: string;
}

/** hostmetrics process scraper output: one ResourceMetrics per process, identity on the resource (pid as an int). */
export function processPayload(processes: readonly Process[]): OtlpMetricsRequest {
  return {
    resourceMetrics: processes.map((p): OtlpResourceMetrics => {
      const attributes: OtlpKeyValue[] = [
        { key: 'process.pid', value: { intValue: String(p.pid) } },
        { key: 'process.parent_pid', value: { intValue: '1' } },
        str('process.executable.name', p.executable),
        str('process.executable.path', `/usr/bin/${p.executable}`),
        str('process.command', p.executable),
        str('process.owner', 'root'),
        str('host.name', p.host),
        str('os.type', 'linux'),
      ];
      if (p.cluster !== undefined) attributes.push(str('k8s.cluster.name', p.cluster));
      if (p.node !== undefined) attributes.push(str('k8s.node.name', p.node));
      if (p.namespace !== undefined) attributes.push(str('k8s.namespace.name', p.namespace));
      if (p.pod !== undefined) attributes.push(str('k8s.pod.name', p.pod));
      const at = (i: number) => nanos(p.timeMs + i * 10_000);
      return {
        resource: { attributes },
        scopeMetrics: [
          {
            scope: PROCESS_SCOPE,
            metrics: [
              {
                name: 'process.cpu.utilization',
                unit: '1',
                gauge: {
                  dataPoints: p.cpu.flatMap((value, i) =>
                    (['user', 'system', 'wait'] as const).map((state) => ({
                      attributes: [str('state', state)],
                      timeUnixNano: at(i),
                      asDouble: state === 'wait' ? 0 : value,
                    })),
                  ),
                },
              },
              {
                name: 'process.memory.utilization',
                unit: '1',
                gauge: { dataPoints: p.memory.map((value, i) => ({ timeUnixNano: at(i), asDouble: value })) },
              },
              {
                name: 'process.memory.usage',
                unit: 'By',
                sum: { aggregationTemporality: 2, isMonotonic: false, dataPoints: p.memory.map((_v, i) => ({ timeUnixNano: at(i), asInt: '2723840' })) },
              },
            ],
          },
        ],
      };
    }),
  };
}
