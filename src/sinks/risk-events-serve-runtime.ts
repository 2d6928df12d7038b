// Wires the risk-event side of `serve`: metrics first (sinks report to them), then the HEC sink or local store, Kubernetes Events, and the auditor view.
import { readFileSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ServeContext } from '../cli/serve-extension.js';
import { startMetrics } from '../metrics/metrics-serve.js';
import { RiskgateError } from '../riskgate-error.js';
import { HecSink } from './hec-sink.js';
import { readHecToken } from './hec-token.js';
import { K8sEventSink } from './k8s-event-sink.js';
import { IGNORE_KUBE_EVENTS, type KubeEventObserver } from './kube-event-observer.js';
import { PodUidLookup } from './pod-uid-lookup.js';
import type { SinkObserver, SinkStats } from './sink-observer.js';
import { IGNORE_OBSERVER } from './sink-observer.js';
import { SpoolSink } from './spool-sink.js';
import { DEFAULT_ARCHIVE_MAX_BYTES, DEFAULT_FSYNC_INTERVAL_MS } from './spool.js';
import type { RiskEventsServeOptions } from './risk-events-serve-options.js';

export const DEFAULT_DATA_DIR = '.riskgate';

interface Wiring {
  observer: SinkObserver;
  events: KubeEventObserver;
  watch: (stats: () => SinkStats) => void;
}

/**
 * The Kubernetes client is loaded only for the features that call the API server (Events, the auditor's TokenReview):
 * it is about 80 MiB of RSS and a second of start-up that a webhook without them does not need.
 */
async function kubeConfigLoader(): Promise<() => KubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  return () => {
    const kc = new KubeConfig();
    kc.loadFromDefault();
    return kc;
  };
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new RiskgateError('hec-ca-unreadable', `--hec-ca-file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function archiveMaxBytes(options: RiskEventsServeOptions): number {
  return options.archiveMaxMb === undefined ? DEFAULT_ARCHIVE_MAX_BYTES : options.archiveMaxMb * 1024 * 1024;
}

/** An http:// HEC sends the token and every risk event in clear text: refused unless --hec-insecure says so (then a warning). */
function checkHecScheme(context: ServeContext, options: RiskEventsServeOptions): void {
  if (!/^http:/i.test(options.hecUrl ?? '')) return;
  if (!options.hecInsecure) {
    throw new RiskgateError('HEC_INSECURE', `--hec-url ${options.hecUrl}: plain HTTP would send the HEC token and every risk event in clear text; use https://, or add --hec-insecure to accept that`);
  }
  context.logger.warn({ hec: options.hecUrl }, 'HEC over plain HTTP (--hec-insecure): the token and risk events cross the network unencrypted');
}

function startHec(context: ServeContext, options: RiskEventsServeOptions, dataDir: string, wiring: Wiring): void {
  checkHecScheme(context, options);
  const token = readHecToken(options.hecTokenFile, process.env);
  const sink = new HecSink({
    url: options.hecUrl!,
    token,
    dataDir,
    source: options.hecSource,
    ack: options.hecAck ?? false,
    spoolMaxBytes: options.spoolMaxMb * 1024 * 1024,
    ...(options.spoolWhenFull ? { spoolWhenFull: options.spoolWhenFull } : {}),
    archiveMaxBytes: archiveMaxBytes(options),
    log: context.logger,
    observer: wiring.observer,
    ...(options.hecIndex ? { index: options.hecIndex } : {}),
    ...(options.hecCaFile ? { ca: readCa(options.hecCaFile) } : {}),
  });
  wiring.watch(() => sink.stats());
  context.addSink(sink);
  context.logger.info({ hec: options.hecUrl, dataDir, ack: options.hecAck ?? false, index: options.hecIndex }, 'risk events: HEC delivery through the spool');
}

/** Without HEC the local store is a convenience: if the directory is not writable, serve runs on without it. */
function startLocalStore(context: ServeContext, options: RiskEventsServeOptions, dataDir: string, wiring: Wiring): void {
  try {
    const sink = new SpoolSink({
      dataDir,
      maxBytes: options.spoolMaxMb * 1024 * 1024,
      ...(options.spoolWhenFull ? { whenFull: options.spoolWhenFull } : {}),
      archiveMaxBytes: archiveMaxBytes(options),
      fsyncIntervalMs: DEFAULT_FSYNC_INTERVAL_MS,
      sinkName: 'store',
      log: context.logger,
      observer: wiring.observer,
    });
    wiring.watch(() => sink.stats());
    context.addSink(sink);
    context.logger.info({ dataDir }, 'risk events: local event store (riskgate events --data-dir reads it)');
  } catch (error) {
    if (options.dataDir) throw error;
    context.logger.warn({ dataDir, reason: (error as Error).message }, 'risk events: no local event store (pass --data-dir to a writable directory)');
  }
}

async function startKubernetesEvents(context: ServeContext, actions: Array<'deny' | 'warn'>, wiring: Wiring): Promise<void> {
  // One import after the other: both load the Kubernetes client (and jest's ESM loader cannot link it twice at once).
  const kubeConfig = await kubeConfigLoader();
  const { ClientNodeEventWriter } = await import('./kube-event-writer.js');
  const { ClientNodePodReader } = await import('./kube-pod-reader.js');
  const config = kubeConfig();
  const pods = new PodUidLookup({ reader: new ClientNodePodReader(config) });
  const sink = new K8sEventSink({ writer: new ClientNodeEventWriter(config), pods, actions, log: context.logger, observer: wiring.observer, events: wiring.events });
  wiring.watch(() => sink.stats());
  context.addSink(sink);
  context.logger.info({ actions }, 'risk events: Kubernetes Events on denied objects');
}

export async function startRiskEvents(context: ServeContext): Promise<void> {
  const options = context.options as unknown as RiskEventsServeOptions;
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const metrics = options.metricsPort !== undefined ? await startMetrics(context, options.metricsPort) : undefined;
  const wiring: Wiring = metrics
    ? { observer: metrics.sinks.observer, events: metrics.kubeEvents, watch: metrics.sinks.watch }
    : { observer: IGNORE_OBSERVER, events: IGNORE_KUBE_EVENTS, watch: () => {} };
  if (options.hecUrl) startHec(context, options, dataDir, wiring);
  else startLocalStore(context, options, dataDir, wiring);
  const k8sEvents = (options.k8sEvents as unknown) === true ? (['deny'] as Array<'deny' | 'warn'>) : options.k8sEvents;
  if (k8sEvents) await startKubernetesEvents(context, k8sEvents, wiring);
  if (options.auditorPort !== undefined) {
    const kubeConfig = await kubeConfigLoader();
    const { startAuditorView } = await import('../auditor/auditor-serve.js');
    await startAuditorView(context, {
      port: options.auditorPort,
      dataDir,
      kubeConfig,
      peers: options.auditorPeer ?? [],
      audiences: options.auditorAudience ?? [],
      peerTimeoutSeconds: options.auditorPeerTimeout ?? 3,
      clusterAudit: context.options.auditInterval !== undefined,
      ...(options.auditorTokenFile ? { tokenFile: options.auditorTokenFile } : {}),
      ...(options.auditorPeersService ? { peersService: options.auditorPeersService } : {}),
    });
  }
}
