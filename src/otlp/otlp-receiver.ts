// The OTLP receiver as one unit (token, limits, app, server): what the worker thread runs, or this thread when there is no worker.
import type { DecodeLimits } from './decode-budget.js';
import { createOtlpApp } from './otlp-app.js';
import type { OtlpBatchSummary, OtlpLogger, OtlpRefusal } from './otlp-app.js';
import { BearerToken } from './otlp-bearer-token.js';
import { startOtlpServer } from './otlp-server.js';
import type { OtlpServer, OtlpTls } from './otlp-server.js';
import type { MetricPoint } from '../signals/metric-points.js';

/** Everything the receiver needs, as plain data (it crosses to the worker thread). */
export interface OtlpReceiverConfig {
  host: string;
  port: number;
  /** The metric names the rules read: only their points leave the receiver. */
  wanted: string[];
  limits?: Partial<DecodeLimits>;
  tokenFile?: string;
  tls?: OtlpTls;
}

export interface OtlpReceiverDeps {
  /** Runs the points of one accepted request (received at receivedMs) through the detectors. */
  ingestPoints(points: MetricPoint[], receivedMs: number): Promise<OtlpBatchSummary>;
  logger: OtlpLogger;
  ready: () => boolean;
  /** Each request turned away (unauthenticated, busy, over budget, malformed). */
  onRefused?: (reason: OtlpRefusal) => void;
}

export function startReceiverServer(config: OtlpReceiverConfig, deps: OtlpReceiverDeps): Promise<OtlpServer> {
  const wanted = new Set(config.wanted);
  const token = config.tokenFile ? new BearerToken(config.tokenFile) : undefined;
  const app = createOtlpApp({
    wanted,
    ingestPoints: deps.ingestPoints,
    logger: deps.logger,
    ready: deps.ready,
    ...(deps.onRefused ? { onRefused: deps.onRefused } : {}),
    ...(config.limits ? { limits: config.limits } : {}),
    ...(token ? { token } : {}),
  });
  return startOtlpServer(app, config.host, config.port, config.tls);
}
