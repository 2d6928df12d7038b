// Bench input: OTLP ExportMetricsServiceRequests as a collector exports them (network explorer edges, hostmetrics
// process scraper), deterministic, with every metric the sources send, not only the ones riskgate reads.

const str = (key, value) => ({ key, value: { stringValue: value } });
const int = (key, value) => ({ key, value: { intValue: String(value) } });
const nanos = (ms) => `${BigInt(ms) * 1_000_000n}`;

/** A small deterministic PRNG (mulberry32), so every run measures the same bytes. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORKLOADS = Array.from({ length: 40 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
const CLUSTERS = ['prod-eu', 'prod-us', 'staging'];
const EXECUTABLES = ['containerd-shim-runc-v2', 'java', 'node', 'python3', 'nginx', 'postgres', 'envoy', 'pause', 'kubelet', 'coredns'];
const SHELLS = ['sh', 'bash'];

/** Network metrics of one cluster: tcp.packets, tcp.bytes, tcp.rtt for `edges` workload pairs (cluster on the resource). */
function networkRequest(rand, cluster, edges, timeMs) {
  const pairs = Array.from({ length: edges }, () => [WORKLOADS[Math.floor(rand() * WORKLOADS.length)], WORKLOADS[Math.floor(rand() * WORKLOADS.length)]]);
  const points = (metric) =>
    pairs.map(([source, dest]) => ({
      attributes: [str('source.workload.name', source), str('dest.workload.name', dest), str('source.k8s.namespace.name', 'shop'), str('dest.k8s.namespace.name', 'shop')],
      startTimeUnixNano: nanos(timeMs - 3600_000),
      timeUnixNano: nanos(timeMs),
      ...(metric === 'tcp.rtt' ? { asDouble: rand() * 5 } : { asInt: String(Math.floor(rand() * 1e6)) }),
    }));
  return {
    resource: { attributes: [str('k8s.cluster.name', cluster), str('telemetry.sdk.name', 'network-explorer'), str('service.name', 'network-explorer')] },
    scopeMetrics: [
      {
        scope: { name: 'network-explorer', version: '0.10.0' },
        metrics: [
          { name: 'tcp.packets', unit: '{packet}', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: points('tcp.packets') } },
          { name: 'tcp.bytes', unit: 'By', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: points('tcp.bytes') } },
          { name: 'tcp.rtt', unit: 'ms', gauge: { dataPoints: points('tcp.rtt') } },
        ],
      },
    ],
  };
}

/** One process as the hostmetrics process scraper reports it: identity on the resource, 11 metrics, 15 data points. */
function processResource(rand, host, pid, executable, timeMs) {
  const t = nanos(timeMs);
  const gauge = (name, unit, dataPoints) => ({ name, unit, gauge: { dataPoints } });
  const sum = (name, unit, dataPoints) => ({ name, unit, sum: { aggregationTemporality: 2, isMonotonic: name !== 'process.memory.usage', dataPoints } });
  const d = (value, attributes) => ({ timeUnixNano: t, ...(Number.isInteger(value) ? { asInt: String(value) } : { asDouble: value }), ...(attributes ? { attributes } : {}) });
  const cpu = rand() * 0.05;
  return {
    resource: {
      attributes: [
        int('process.pid', pid),
        int('process.parent_pid', 1),
        str('process.executable.name', executable),
        str('process.executable.path', `/usr/bin/${executable}`),
        str('process.command', executable),
        str('process.command_line', `${executable} --serve`),
        str('process.owner', 'root'),
        str('host.name', host),
        str('os.type', 'linux'),
        str('k8s.cluster.name', 'prod-eu'),
        str('k8s.node.name', host),
      ],
    },
    scopeMetrics: [
      {
        scope: { name: 'github.com/open-telemetry/opentelemetry-collector-contrib/receiver/hostmetricsreceiver/internal/scraper/processscraper', version: '0.139.0' },
        metrics: [
          sum('process.cpu.time', 's', ['user', 'system', 'wait'].map((s) => d(rand() * 100 + 0.5, [str('state', s)]))),
          gauge('process.cpu.utilization', '1', ['user', 'system', 'wait'].map((s) => d(s === 'wait' ? 0 : cpu + 1e-9, [str('state', s)]))),
          sum('process.memory.usage', 'By', [d(Math.floor(rand() * 1e8))]),
          sum('process.memory.virtual', 'By', [d(Math.floor(rand() * 1e9))]),
          gauge('process.memory.utilization', '1', [d(rand() * 0.01 + 1e-9)]),
          sum('process.disk.io', 'By', ['read', 'write'].map((dir) => d(Math.floor(rand() * 1e7), [str('direction', dir)]))),
          sum('process.disk.operations', '{operations}', ['read', 'write'].map((dir) => d(Math.floor(rand() * 1e5), [str('direction', dir)]))),
          sum('process.threads', '{threads}', [d(Math.floor(rand() * 50) + 1)]),
          sum('process.open_file_descriptors', '{count}', [d(Math.floor(rand() * 200) + 3)]),
          sum('process.context_switches', '{count}', [d(Math.floor(rand() * 1e6), [str('type', 'involuntary')])]),
          sum('process.signals_pending', '{signals}', [d(0)]),
        ],
      },
    ],
  };
}

/** Counts the data points of a request (all metrics) and those of the metrics riskgate reads. */
export function countPoints(request, wanted) {
  let all = 0;
  let read = 0;
  for (const rm of request.resourceMetrics)
    for (const sm of rm.scopeMetrics)
      for (const m of sm.metrics) {
        const n = (m.sum ?? m.gauge).dataPoints.length;
        all += n;
        if (wanted.has(m.name)) read += n;
      }
  return { all, read };
}

/**
 * `count` export requests, 10 s apart from `startMs`, alternating the two sources as two collectors would:
 * a network export (3 clusters × `edges` edges × 3 metrics) and a process export (`processes` processes on 20 nodes,
 * about 1 in 25 a shell).
 */
export function generateRequests({ count = 40, edges = 300, processes = 200, startMs = Date.parse('2026-03-02T10:00:00Z') } = {}) {
  const rand = random(7);
  return Array.from({ length: count }, (_, i) => {
    const timeMs = startMs + i * 10_000;
    if (i % 2 === 0) return { resourceMetrics: CLUSTERS.map((cluster) => networkRequest(rand, cluster, edges, timeMs)) };
    return {
      resourceMetrics: Array.from({ length: processes }, (_, p) => {
        const shell = p % 25 === 24;
        const executable = shell ? SHELLS[p % 2] : EXECUTABLES[p % EXECUTABLES.length];
        return processResource(rand, `node-${p % 20}`, 1000 + p, executable, timeMs);
      }),
    };
  });
}
