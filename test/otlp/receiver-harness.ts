// Test harness: the real OTLP/HTTP receiver (pipeline, persisted baseline, express app, loopback server) and a client that posts like otlphttp.
import { gzipSync } from 'node:zlib';
import { BaselineStore } from '../../src/baseline/baseline-store.js';
import { wantedMetrics } from '../../src/engine/detect-metrics.js';
import { metricOptions } from '../../src/engine/metric-options.js';
import type { MetricOptionTexts } from '../../src/engine/metric-options.js';
import { defaultPolicy } from '../../src/engine/policy.js';
import type { Policy } from '../../src/engine/policy.js';
import { MemorySink } from '../../src/outputs/risk-sink.js';
import { RULES } from '../../src/rules/catalog.js';
import { MetricPipeline } from '../../src/otlp/metric-pipeline.js';
import { createOtlpApp } from '../../src/otlp/otlp-app.js';
import { encodeMetricsProtobuf } from '../../src/otlp/otlp-protobuf.js';
import { startOtlpServer } from '../../src/otlp/otlp-server.js';
import type { OtlpServer } from '../../src/otlp/otlp-server.js';

export interface Receiver {
  url: string;
  sink: MemorySink;
  store: BaselineStore;
  /** Fields of every warn/error line the receiver logged. */
  warnings: unknown[];
  server: OtlpServer;
  stop(): Promise<void>;
}

export interface ReceiverSettings {
  /** The baseline directory (`<data dir>/baseline`); the same directory again is a restart. */
  dir: string;
  policy?: Policy;
  /** As `serve --baseline-window/--warmup/--shells` take them (default here: no warm-up). */
  options?: MetricOptionTexts;
}

export async function startReceiver(settings: ReceiverSettings): Promise<Receiver> {
  const options = metricOptions(RULES, settings.options ?? { warmup: '0s' });
  const store = await BaselineStore.open({ dir: settings.dir, windowMs: options.baselineWindowMs });
  const sink = new MemorySink();
  const warnings: unknown[] = [];
  const policy = settings.policy ?? defaultPolicy(RULES);
  const pipeline = new MetricPipeline({ rules: RULES, policy: () => policy, state: { edges: store, shellReports: store }, options, record: (e) => sink.write(e) });
  const logger = { debug: () => {}, warn: (fields: object) => warnings.push(fields), error: (fields: object) => warnings.push(fields) };
  const app = createOtlpApp({ wanted: wantedMetrics(RULES), ingestPoints: (points) => pipeline.ingestPoints(points), logger });
  const server = await startOtlpServer(app, '127.0.0.1', 0);
  return {
    url: `http://127.0.0.1:${server.address.port}/v1/metrics`,
    sink,
    store,
    warnings,
    server,
    stop: async () => {
      await server.close();
      await store.close();
    },
  };
}

/** The otlphttp exporter's `encoding` and `compression` settings. */
export interface Encoding {
  name: string;
  contentType: 'application/x-protobuf' | 'application/json';
  gzip: boolean;
}

export const ENCODINGS: readonly Encoding[] = [
  { name: 'protobuf', contentType: 'application/x-protobuf', gzip: false },
  { name: 'protobuf + gzip', contentType: 'application/x-protobuf', gzip: true },
  { name: 'json', contentType: 'application/json', gzip: false },
  { name: 'json + gzip', contentType: 'application/json', gzip: true },
];

/** The request body as the exporter would send it: encoded, then compressed. */
export function bodyOf(payload: object, encoding: Encoding): Uint8Array {
  const bytes = encoding.contentType === 'application/json' ? Buffer.from(JSON.stringify(payload)) : encodeMetricsProtobuf(payload);
  return encoding.gzip ? gzipSync(bytes) : bytes;
}

export function postBody(url: string, body: Uint8Array, encoding: Encoding): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': encoding.contentType };
  if (encoding.gzip) headers['content-encoding'] = 'gzip';
  return fetch(url, { method: 'POST', headers, body });
}
