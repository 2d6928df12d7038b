// Wires the OTLP receiver into `serve`: baseline store, metric pipeline on the serve policy and sinks, the receiver on its worker thread.
import { join } from 'node:path';
import type { ServeContext } from '../cli/serve-extension.js';
import { BaselineStore } from '../baseline/baseline-store.js';
import { metricOptions } from '../engine/metric-options.js';
import { RiskgateError } from '../riskgate-error.js';
import { DEFAULT_DATA_DIR } from '../sinks/risk-events-serve-runtime.js';
import { readFileSync } from 'node:fs';
import { wantedMetrics } from '../engine/detect-metrics.js';
import type { Logger } from 'pino';
import { MetricPipeline } from './metric-pipeline.js';
import type { MetricBatch } from './metric-pipeline.js';
import { OTLP_METRICS_PATH } from './otlp-app.js';
import { BearerToken } from './otlp-bearer-token.js';
import type { OtlpReceiverConfig } from './otlp-receiver.js';
import type { OtlpServeOptions } from './otlp-serve-options.js';
import { checkOtlpExposure } from './otlp-exposure.js';
import { startOtlpThread } from './otlp-thread.js';
import type { OtlpThread } from './otlp-thread.js';

/**
 * Opens the baseline and listens before the webhook does (a busy port stops start-up), answering 503 until the webhook's
 * sinks exist; findings then go through the serve policy (re-read per batch) to every sink, like review findings.
 */
/** Refused points and guard hits of a batch, at WARN: someone may be teaching the baseline lies or growing it. */
function reportGuard(logger: Logger, batch: MetricBatch, report: ServeContext['reportRefusal']): MetricBatch {
  const { stale, beforeLearning, clusterCap, edgeCap } = batch.refused;
  for (const [reason, count] of Object.entries({ stale, before_learning: beforeLearning, cluster_cap: clusterCap, edge_cap: edgeCap })) {
    if (count > 0) report({ component: 'baseline', reason, count });
  }
  const bursts = batch.guard.filter((h) => h.reason === 'burst').length;
  if (bursts > 0) report({ component: 'baseline', reason: 'burst', count: bursts });
  if (stale + beforeLearning + clusterCap + edgeCap > 0) {
    logger.warn({ ...batch.refused, guard: batch.guard }, 'OTLP points refused by the edge baseline (stamped before the window or the cluster\'s learning start, or past a cap)');
  }
  for (const hit of batch.guard.filter((h) => h.reason === 'burst')) logger.warn({ ...hit }, 'implausible burst of new edges in one batch');
  return batch;
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new RiskgateError('OTLP_CLIENT_CA', `cannot read the OTLP client CA ${file} (--otlp-client-ca): ${(error as NodeJS.ErrnoException).code ?? 'EIO'}`);
  }
}

/** The receiver's settings as plain data; a token file is read once here so a bad one stops start-up with its name. */
function receiverConfig(context: ServeContext, host: string): OtlpReceiverConfig {
  const options = context.options as unknown as OtlpServeOptions;
  const config: OtlpReceiverConfig = { host, port: options.otlpPort!, wanted: [...wantedMetrics(context.rules)] };
  if (options.otlpTokenFile) {
    new BearerToken(options.otlpTokenFile);
    config.tokenFile = options.otlpTokenFile;
  }
  if (options.otlpClientCa) {
    const serving = context.tls.current();
    config.tls = { cert: serving.cert, key: serving.key, clientCa: readCa(options.otlpClientCa) };
  }
  checkOtlpExposure({ host, authenticated: Boolean(config.tokenFile ?? config.tls), insecure: options.otlpInsecure === true });
  return config;
}

export async function startOtlpReceiver(context: ServeContext): Promise<void> {
  const options = context.options as unknown as OtlpServeOptions;
  const logger = context.logger.child({ component: 'otlp' });
  const settings = metricOptions(context.rules, options);
  const dir = join(options.dataDir ?? DEFAULT_DATA_DIR, 'baseline');
  const store = await BaselineStore.open({
    dir,
    windowMs: settings.baselineWindowMs,
    caps: { maxClusters: settings.maxClusters!, maxEdgesPerCluster: settings.maxEdgesPerCluster! },
    log: logger,
    onError: (error) => logger.error({ dir, reason: String(error) }, 'baseline write failed'),
  });
  const pipeline = new MetricPipeline({
    rules: context.rules,
    policy: () => context.policy(),
    state: { edges: store, shellReports: store },
    options: settings,
    record: (events) => context.recordRiskEvents(events),
  });
  const host = options.otlpHost ?? options.host;
  let config: OtlpReceiverConfig;
  let thread: OtlpThread;
  try {
    config = receiverConfig(context, host);
    const report = (refusal: Parameters<ServeContext['reportRefusal']>[0]) => context.reportRefusal(refusal);
    thread = await startOtlpThread(config, (points, receivedAt) => reportGuard(logger, pipeline.ingestPoints(points, receivedAt), report), logger, (reason) =>
      report({ component: 'otlp', reason, count: 1 }),
    );
  } catch (error) {
    await store.close();
    if (error instanceof RiskgateError) throw error;
    throw new RiskgateError('LISTEN_FAILED', `cannot listen on ${host}:${options.otlpPort} (--otlp-port): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const { address, port, family } = thread.address;
  const url = `${config.tls ? 'https' : 'http'}://${family === 'IPv6' ? `[${address}]` : address}:${port}${OTLP_METRICS_PATH}`;
  const authentication = [config.tokenFile ? 'bearer token' : '', config.tls ? 'client certificate' : ''].filter((a) => a).join(' + ') || 'none';
  context.onListening(() => {
    thread.setReady(true);
    logger.info(
      { url, authentication, thread: thread.mode, baseline: dir, edges: store.size, baselineWindowMs: settings.baselineWindowMs, warmupMs: settings.warmupMs, shells: [...settings.shells] },
      'OTLP metrics receiver listening',
    );
    if (authentication === 'none') {
      logger.warn({ url, insecure: options.otlpInsecure === true }, 'the OTLP receiver authenticates nobody: anyone who can reach it feeds the baseline (set --otlp-token-file or --otlp-client-ca)');
    }
  });
  context.onShutdown('otlp receiver', async () => {
    thread.setReady(false);
    await thread.close();
    await store.close();
  });
}
