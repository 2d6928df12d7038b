// `serve --metrics-port`: the metrics registry, fed by every review, with the serving certificate's expiry and the policy's next exemption end, on its own HTTP port.
import type { ServeContext } from '../cli/serve-extension.js';
import { nextExpiry } from '../engine/policy-expiry.js';
import { RiskgateError } from '../riskgate-error.js';
import { expiryOf } from '../tls/certificate-lifetime.js';
import { admissionPortMetrics } from './admission-port-metrics.js';
import { startMetricsServer } from './metrics-server.js';
import { refusalMetrics } from './refusal-metrics.js';
import { riskgateMetrics, type RiskgateMetrics } from './riskgate-metrics.js';

export async function startMetrics(context: ServeContext, port: number): Promise<RiskgateMetrics> {
  const metrics = riskgateMetrics({ certificateExpiry: () => expiryOf(context.tls.current().cert), policyExpiry: () => nextExpiry(context.policy(), new Date()) });
  context.addReviewObserver(metrics.reviews);
  context.onClientRefused(admissionPortMetrics(metrics.registry));
  context.onRefusal(refusalMetrics(metrics.registry));
  let server;
  try {
    server = await startMetricsServer(metrics.registry, context.options.host, port);
  } catch (error) {
    throw new RiskgateError('LISTEN_FAILED', `--metrics-port: cannot listen on ${context.options.host}:${port}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  context.onShutdown('metrics server', () => server.close());
  context.logger.info({ url: `http://${context.options.host}:${server.address.port}/metrics` }, 'metrics listening');
  return metrics;
}
