// Wires the OTLP receiver into `serve`: baseline store, metric pipeline on the serve policy and sinks, its own HTTP server.
import { join } from 'node:path';
import type { ServeContext } from '../cli/serve-extension.js';
import { BaselineStore } from '../baseline/baseline-store.js';
import { metricOptions } from '../engine/metric-options.js';
import { RiskgateError } from '../riskgate-error.js';
import { DEFAULT_DATA_DIR } from '../sinks/risk-events-serve-runtime.js';
import { MetricPipeline } from './metric-pipeline.js';
import { createOtlpApp, OTLP_METRICS_PATH } from './otlp-app.js';
import type { OtlpServeOptions } from './otlp-serve-extension.js';
import { startOtlpServer } from './otlp-server.js';
import type { OtlpServer } from './otlp-server.js';

/**
 * Opens the baseline and listens before the webhook does (a busy port stops start-up), answering 503 until the webhook's
 * sinks exist; findings then go through the serve policy (re-read per batch) to every sink, like review findings.
 */
export async function startOtlpReceiver(context: ServeContext): Promise<void> {
  const options = context.options as unknown as OtlpServeOptions;
  const logger = context.logger.child({ component: 'otlp' });
  const settings = metricOptions(context.rules, options);
  const dir = join(options.dataDir ?? DEFAULT_DATA_DIR, 'baseline');
  const store = await BaselineStore.open({ dir, windowMs: settings.baselineWindowMs, onError: (error) => logger.error({ dir, reason: String(error) }, 'baseline write failed') });
  let ready = false;
  const pipeline = new MetricPipeline({
    rules: context.rules,
    policy: () => context.policy(),
    state: { edges: store, shellReports: store },
    options: settings,
    record: (events) => context.recordRiskEvents(events),
  });
  const app = createOtlpApp({ ingest: (request) => pipeline.ingest(request), logger, ready: () => ready });
  const host = options.otlpHost ?? options.host;
  let server: OtlpServer;
  try {
    server = await startOtlpServer(app, host, options.otlpPort!);
  } catch (error) {
    await store.close();
    throw new RiskgateError('LISTEN_FAILED', `cannot listen on ${host}:${options.otlpPort} (--otlp-port): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const { address, port, family } = server.address;
  const url = `http://${family === 'IPv6' ? `[${address}]` : address}:${port}${OTLP_METRICS_PATH}`;
  context.onListening(() => {
    ready = true;
    logger.info(
      { url, baseline: dir, edges: store.size, baselineWindowMs: settings.baselineWindowMs, warmupMs: settings.warmupMs, shells: [...settings.shells] },
      'OTLP metrics receiver listening',
    );
  });
  context.onShutdown('otlp receiver', async () => {
    ready = false;
    await server.close();
    await store.close();
  });
}
