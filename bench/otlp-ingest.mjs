// Bench: OTLP metrics ingestion in data points per second through the receiver's own path (the decoding budget, decode
// + normalize, detect + policy + persisted baseline store: what `serve` runs per body, minus HTTP), against a bare decode
// of the same bodies in the same run (the OpenTelemetry decoder for protobuf, JSON.parse for JSON); and, for reference,
// the same bodies POSTed gzipped over loopback HTTP to the receiver app. Target: ingest >= 0.8 of the bare decode.
// Usage: npm run build && node bench/otlp-ingest.mjs [--seconds 1] [--rounds 3] [--requests 40] [--edges 300] [--processes 200] [--no-http]
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { countPoints, generateRequests } from './otlp-payload-generator.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (path) => import(join(repo, 'dist', path));
const { BaselineStore } = await dist('baseline/baseline-store.js');
const { metricOptions } = await dist('engine/metric-options.js');
const { defaultPolicy } = await dist('engine/policy.js');
const { wantedMetrics } = await dist('engine/detect-metrics.js');
const { RULES } = await dist('rules/catalog.js');
const { MetricPipeline } = await dist('otlp/metric-pipeline.js');
const { createOtlpApp, pointsWithinBudget } = await dist('otlp/otlp-app.js');
const { BudgetCounter, DEFAULT_DECODE_LIMITS } = await dist('otlp/decode-budget.js');
const { encodeMetricsProtobuf } = await dist('otlp/otlp-protobuf.js');
const { startOtlpServer } = await dist('otlp/otlp-server.js');
// The decoder riskgate uses, bare: the OpenTelemetry project's generated ExportMetricsServiceRequest (protobufjs).
const root = createRequire(join(repo, 'dist', 'otlp', 'otlp-protobuf.js'))('@opentelemetry/otlp-transformer/build/src/generated/root.js');
const ExportMetricsServiceRequest = root.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
    requests: { type: 'string', default: '40' },
    edges: { type: 'string', default: '300' },
    processes: { type: 'string', default: '200' },
    'no-http': { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);

const requests = generateRequests({ count: Number(values.requests), edges: Number(values.edges), processes: Number(values.processes) });
const wanted = wantedMetrics(RULES);
const counts = requests.map((r) => countPoints(r, wanted));
const bodies = {
  protobuf: requests.map((r) => Buffer.from(encodeMetricsProtobuf(r))),
  json: requests.map((r) => Buffer.from(JSON.stringify(r))),
};

/** Bare decoders: what any OTLP receiver must do at least. JSON has no OpenTelemetry JS decoder: JSON.parse is it. */
const bare = {
  protobuf: (body) => ExportMetricsServiceRequest.decode(body),
  json: (body) => JSON.parse(body.toString('utf8')),
};

const dir = mkdtempSync(join(tmpdir(), 'riskgate-bench-otlp-'));
const options = metricOptions(RULES, {});
const store = await BaselineStore.open({ dir: join(dir, 'baseline'), windowMs: options.baselineWindowMs });
let events = 0;
const pipeline = new MetricPipeline({ rules: RULES, policy: () => defaultPolicy(RULES), state: { edges: store, shellReports: store }, options, record: (e) => (events += e.length) });
/** The receiver's path for one body, as otlp-app runs it (the JSON scan, which the receiver runs as the body streams in, included). */
const ingest = (encoding) => (body) => {
  const counter = new BudgetCounter(DEFAULT_DECODE_LIMITS);
  const receivedMs = Date.now();
  return pipeline.ingestPoints(pointsWithinBudget(body, encoding, counter, wanted, receivedMs));
};

/** Runs `fn` over the bodies, round robin, for `seconds`; data points (all metrics) per second. */
async function rate(fn, list, secs) {
  let points = 0;
  let i = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(secs * 1e9));
  let now = start;
  while (now < end) {
    await fn(list[i]);
    points += counts[i].all;
    i = (i + 1) % list.length;
    if (i % 4 === 0) {
      now = process.hrtime.bigint();
      await new Promise((resolve) => setImmediate(resolve)); // let the store's writes run, as between requests
    } else now = process.hrtime.bigint();
  }
  return points / (Number(now - start) / 1e9);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US').padStart(9);

const total = counts.reduce((a, c) => ({ all: a.all + c.all, read: a.read + c.read }), { all: 0, read: 0 });
console.log(
  `OTLP ingest: ${requests.length} export requests (${total.all.toLocaleString('en-US')} data points, ${total.read.toLocaleString('en-US')} of them in the metrics the rules read), ` +
    `protobuf ${(bodies.protobuf.reduce((a, b) => a + b.length, 0) / 1048576).toFixed(1)} MiB, JSON ${(bodies.json.reduce((a, b) => a + b.length, 0) / 1048576).toFixed(1)} MiB`,
);
console.log(`  ${availableParallelism()} cores, 1-minute load average ${loadavg()[0].toFixed(2)} at start; ${rounds} rounds of ${seconds} s each, median`);

// One pass over everything first: the baseline learns the edges (warm-up) and the JIT settles.
for (const encoding of ['protobuf', 'json']) for (const body of bodies[encoding]) ingest(encoding)(body);
await store.flush();

let server;
if (!values['no-http']) {
  const app = createOtlpApp({ wanted, ingestPoints: (points) => pipeline.ingestPoints(points), logger: { debug() {}, warn() {}, error() {} } });
  server = await startOtlpServer(app, '127.0.0.1', 0);
}
const gzipped = { protobuf: bodies.protobuf.map((b) => gzipSync(b)), json: bodies.json.map((b) => gzipSync(b)) };
const contentType = { protobuf: 'application/x-protobuf', json: 'application/json' };
const post = (encoding) => async (body) => {
  const res = await fetch(`http://127.0.0.1:${server.address.port}/v1/metrics`, { method: 'POST', headers: { 'content-type': contentType[encoding], 'content-encoding': 'gzip' }, body });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
};

try {
  for (const encoding of ['protobuf', 'json']) {
    const results = { bare: [], ingest: [], http: [] };
    for (let r = 0; r < rounds; r++) {
      results.bare.push(await rate(bare[encoding], bodies[encoding], seconds));
      results.ingest.push(await rate(ingest(encoding), bodies[encoding], seconds));
      if (server) results.http.push(await rate(post(encoding), gzipped[encoding], seconds));
    }
    const b = median(results.bare);
    const rows = [
      [`bare decode (${encoding === 'protobuf' ? 'otlp-transformer ExportMetricsServiceRequest.decode' : 'JSON.parse'})`, b, ''],
      ['riskgate ingest (budget + decode + normalize + detect + policy + baseline)', median(results.ingest), `  (target >= 0.8) ${median(results.ingest) / b >= 0.8 ? 'MET' : 'NOT MET'}`],
    ];
    if (server) rows.push(['POST /v1/metrics, gzip, loopback HTTP (+ fetch client, express, inflate)', median(results.http), '']);
    console.log(`${encoding}:`);
    for (const [label, r, note] of rows) console.log(`  ${label.padEnd(74)} ${fmt(r)} points/s  ratio ${(r / b).toFixed(2)}${note}`);
  }
  console.log(`  baseline: ${store.size} edges; ${events} risk events recorded (all in the first pass: the runs then see known edges and reported shells)`);
} finally {
  await server?.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
