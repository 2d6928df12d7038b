// Wires `riskgate serve`: logger, policy store, TLS (files or dev certs), extensions, sinks, the HTTPS webhook, the cluster audit, and shutdown.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:https';
import type { DestinationStream, Level } from 'pino';
import { createLogger, stdoutDestination } from '../logger.js';
import { defaultLogFormat, prettyDestination, type LogFormat } from '../log-format.js';
import type { Logger } from '../logger.js';
import { usesNamespaceLabels } from '../engine/namespace-labels.js';
import type { NamespaceLabels } from '../engine/namespace-labels.js';
import type { Policy } from '../engine/policy.js';
import { LogSink } from '../outputs/log-sink.js';
import type { RiskSink } from '../outputs/risk-sink.js';
import { PolicyStore, summary } from '../policy/policy-store.js';
import { RULES } from '../rules/catalog.js';
import type { Rule } from '../rules/rule.js';
import { RiskgateError } from '../riskgate-error.js';
import { ensureDevCertificates, readTlsFiles } from '../tls/cert-files.js';
import type { TlsFiles } from '../tls/cert-files.js';
import type { PemPair } from '../tls/certificates.js';
import { watchTlsFiles } from '../tls/reloader.js';
import type { TlsReloader } from '../tls/reloader.js';
import type { FileWatcherOptions } from '../watch/file-watcher.js';
import { createApp } from '../webhook/app.js';
import { Lifecycle } from '../webhook/lifecycle.js';
import type { ReviewObserver } from '../webhook/review-observer.js';
import { createWebhookServer, drain, listen, replaceCertificate } from '../webhook/server.js';
import type { CallerCheck } from '../webhook/server.js';
import type { ClientAuth, ClientRefusal } from '../webhook/client-auth.js';
import { ClientRefusalLog } from '../webhook/client-refusal-log.js';
import { DEFAULT_BODY_BUDGET } from '../webhook/body-budget.js';
import type { BodyBudgetLimits } from '../webhook/body-budget.js';
import { DEFAULT_CONNECTION_LIMITS } from '../webhook/connection-budget.js';
import type { ConnectionLimits } from '../webhook/connection-budget.js';
import { startHealthServer } from '../webhook/health-server.js';
import type { HealthServer } from '../webhook/health-server.js';
import type { ServeContext, ServeExtension, ServeOptions, ServeRefusal, ServeTls } from './serve-extension.js';

export interface ServeRuntimeDeps {
  extensions?: readonly ServeExtension[];
  /** Where logs and risk events go (stdout by default). */
  destination?: DestinationStream;
  rules?: readonly Rule[];
  clock?: () => Date;
  /** File watching of the policy and certificate files (tests shorten the debounce). */
  watch?: FileWatcherOptions;
}

export interface RunningServe {
  address: AddressInfo;
  /** https://host:port of the webhook. */
  url: string;
  logger: Logger;
  /** Readiness false, stop accepting, finish in-flight reviews, run shutdown tasks, close sinks. Idempotent. */
  shutdown(reason: string): Promise<void>;
}

/** The serving certificate: holds the current pair and swaps it into the server once there is one. */
class TlsHolder implements ServeTls {
  private server: Server | undefined;
  constructor(
    private pair: PemPair,
    readonly files: TlsFiles | undefined,
  ) {}
  current(): PemPair {
    return this.pair;
  }
  update(pair: PemPair): void {
    if (this.server) replaceCertificate(this.server, pair);
    this.pair = pair;
  }
  attach(server: Server): void {
    this.server = server;
  }
}

async function tlsSource(options: ServeOptions, logger: Logger): Promise<{ pair: PemPair; files: TlsFiles }> {
  if (options.tlsCert || options.tlsKey) {
    if (!options.tlsCert || !options.tlsKey) throw new RiskgateError('USAGE', '--tls-cert and --tls-key go together');
    const files = { cert: options.tlsCert, key: options.tlsKey };
    return { pair: readTlsFiles(files), files };
  }
  const dev = await ensureDevCertificates(options.certsDir, options.host, new Date(), options.certKeyType);
  logger.info({ certsDir: options.certsDir, ca: dev.files.ca, created: dev.created }, dev.created === 'none' ? 'reusing the dev certificate' : 'created a dev certificate');
  return { pair: readTlsFiles(dev.files), files: dev.files };
}

interface Registrations {
  sinks: RiskSink[];
  /** The webhook's fan-out over `sinks`, once createApp made it. */
  sink?: RiskSink;
  observers: ReviewObserver[];
  listening: Array<(address: AddressInfo) => Promise<void> | void>;
  refusals: Array<(refusal: ClientRefusal) => void>;
  otherRefusals: Array<(refusal: ServeRefusal) => void>;
  shutdown: Array<{ name: string; task: () => Promise<void> | void }>;
}

function contextFor(options: ServeOptions, logger: Logger, rules: readonly Rule[], store: PolicyStore, tls: TlsHolder, lifecycle: Lifecycle, reg: Registrations): ServeContext {
  return {
    options,
    logger,
    rules,
    policy: () => store.current(),
    onPolicyChange: (listener) => store.onChange(listener),
    tls,
    addSink: (sink) => reg.sinks.push(sink),
    recordRiskEvents: (events) => {
      if (!reg.sink) throw new RiskgateError('NOT_READY', 'risk events recorded before the webhook app exists');
      reg.sink.write(events);
    },
    addReviewObserver: (observer) => reg.observers.push(observer),
    onClientRefused: (listener) => reg.refusals.push(listener),
    reportRefusal: (refusal) => {
      for (const listener of reg.otherRefusals) listener(refusal);
    },
    onRefusal: (listener) => reg.otherRefusals.push(listener),
    addReadinessCheck: (name, check) => lifecycle.addReadinessCheck(name, check),
    onListening: (task) => reg.listening.push(task),
    onShutdown: (name, task) => reg.shutdown.push({ name, task }),
  };
}

/** `--audit-interval`: the leader replica's audit and PolicyReports (its code loads only when asked for). */
async function startAudit(options: ServeOptions, logger: Logger, rules: readonly Rule[], store: PolicyStore): Promise<{ stop(): Promise<void> } | undefined> {
  if (options.auditInterval === undefined) return undefined;
  const { startClusterAudit } = await import('../cluster-audit/audit-schedule.js');
  return startClusterAudit(
    {
      intervalMs: options.auditInterval,
      leaseName: options.auditLease ?? 'riskgate-audit',
      ...(options.namespace ? { namespace: options.namespace } : {}),
      leaseDurationSeconds: options.auditLeaseDuration ?? 15,
      maxResults: options.auditMaxResults ?? 1000,
    },
    { logger, rules, policy: () => store.current(), onPolicyChange: (listener) => store.onChange(listener) },
  );
}

/** `--check-webhook-config`: warns when the webhook configuration does not send a rule to the entry its action needs. */
async function startCoverageCheck(options: ServeOptions, logger: Logger, rules: readonly Rule[], store: PolicyStore): Promise<{ stop(): void } | undefined> {
  if (options.checkWebhookConfig === undefined) return undefined;
  const { startEntryCoverageCheck } = await import('../cluster/entry-coverage-check.js');
  return startEntryCoverageCheck(
    { name: options.checkWebhookConfig, vap: options['vap'] === true },
    { logger, rules, policy: () => store.current(), onPolicyChange: (listener) => store.onChange(listener) },
  );
}

/**
 * `--watch-namespaces`: the labels of each namespace for namespaceLabels exemptions, from a watch started when the
 * policy first names one. Without the option (or without credentials) such exemptions exempt nothing, and serve says
 * so whenever a policy naming them is loaded.
 */
async function startNamespaceWatch(options: ServeOptions, logger: Logger, store: PolicyStore): Promise<{ labelsOf: NamespaceLabels; stop(): Promise<void> } | undefined> {
  /** Says why at start-up and on each policy change that names such an exemption. */
  const unwatched = (why: string) => {
    const warn = (policy: Policy) => {
      if (usesNamespaceLabels(policy)) logger.warn({ policy: policy.source }, `the policy names namespaceLabels exemptions but ${why}: they exempt nothing`);
    };
    warn(store.current());
    store.onChange(warn);
    return undefined;
  };
  if (options.watchNamespaces !== true) return unwatched('serve runs without --watch-namespaces');
  const { clusterAccess } = await import('../cluster-audit/kube-credentials.js');
  let access;
  try {
    access = clusterAccess({});
  } catch (error) {
    return unwatched(`Namespaces cannot be watched (${(error as Error).message})`);
  }
  const { NamespaceLabelWatch, watchNamespacesWhenNeeded } = await import('../cluster/namespace-label-watch.js');
  const watch = new NamespaceLabelWatch({ logger, config: access.config });
  watchNamespacesWhenNeeded(watch, store.current(), (listener) => store.onChange(listener));
  return { labelsOf: watch.labelsOf, stop: () => watch.stop() };
}

/** --client-ca and --client-cn: the CA bundle read once at start (a restart picks up a new one). */
function clientAuthOf(options: ServeOptions): ClientAuth | undefined {
  const names = options.clientCn ?? [];
  if (!options.clientCa) {
    if (names.length > 0) throw new RiskgateError('USAGE', '--client-cn needs --client-ca');
    return undefined;
  }
  let ca: string;
  try {
    ca = readFileSync(options.clientCa, 'utf8');
  } catch (error) {
    throw new RiskgateError('CLIENT_CA_UNREADABLE', `--client-ca ${options.clientCa}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new RiskgateError('CLIENT_CA_INVALID', `--client-ca ${options.clientCa}: no PEM certificate in it`);
  return { ca, names };
}

function callerCheck(options: ServeOptions, logger: Logger, reg: Registrations): CallerCheck {
  const clientAuth = clientAuthOf(options);
  const log = new ClientRefusalLog(logger);
  const onRefused = (refusal: ClientRefusal) => {
    log.record(refusal);
    for (const listener of reg.refusals) listener(refusal);
  };
  if (clientAuth) logger.info({ clientCa: options.clientCa, names: clientAuth.names }, 'admission callers must present a client certificate');
  const budget = { connections: connectionLimits(options), bodies: bodyBudget(options), onRefused };
  return clientAuth ? { clientAuth, ...budget } : budget;
}

function connectionLimits(options: ServeOptions): ConnectionLimits {
  const maxConnections = options.maxConnections ?? DEFAULT_CONNECTION_LIMITS.maxConnections;
  return {
    ...DEFAULT_CONNECTION_LIMITS,
    maxConnections,
    maxConnectionsPerPeer: options.maxConnectionsPerPeer ?? DEFAULT_CONNECTION_LIMITS.maxConnectionsPerPeer,
    crowdedAt: Math.ceil(maxConnections / 2),
  };
}

function bodyBudget(options: ServeOptions): BodyBudgetLimits {
  if (options.maxBodyMbInFlight === undefined) return DEFAULT_BODY_BUDGET;
  const maxBytes = options.maxBodyMbInFlight * 1024 * 1024;
  return { maxBytes, maxBytesPerPeer: Math.min(maxBytes, Math.max(Math.floor(maxBytes / 2), DEFAULT_BODY_BUDGET.maxBytesPerPeer)) };
}

/** --health-port: the probes' plain-HTTP port; if it cannot listen, the webhook stops listening too. */
async function healthPort(options: ServeOptions, logger: Logger, lifecycle: Lifecycle, server: Server): Promise<HealthServer | undefined> {
  if (options.healthPort === undefined) return undefined;
  try {
    const health = await startHealthServer(lifecycle, options.host, options.healthPort);
    logger.info({ port: health.address.port, paths: ['/healthz', '/readyz'] }, 'health port listening');
    return health;
  } catch (error) {
    server.close();
    throw new RiskgateError('LISTEN_FAILED', `--health-port: cannot listen on ${options.host}:${options.healthPort}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

async function runShutdownTasks(reg: Registrations, logger: Logger): Promise<void> {
  for (const { name, task } of [...reg.shutdown].reverse()) {
    try {
      await task();
    } catch (error) {
      logger.error({ task: name, reason: (error as Error).message }, 'shutdown task failed');
    }
  }
}

/** Starts the webhook; throws a RiskgateError (bad policy file, unreadable certificate, port in use) with a message for the user. */
export async function startServe(options: ServeOptions, deps: ServeRuntimeDeps = {}): Promise<RunningServe> {
  // A given destination (tests) gets JSON lines unless told otherwise; stdout gets pretty lines when it is a terminal.
  const format = (options['logFormat'] as LogFormat | undefined) ?? (deps.destination ? 'json' : defaultLogFormat(process.stdout.isTTY));
  const raw = deps.destination ?? stdoutDestination();
  const destination = format === 'pretty' ? prettyDestination(raw) : raw;
  const logger = createLogger({ level: options.logLevel as Level, destination });
  const rules = deps.rules ?? RULES;
  const store = new PolicyStore(rules, options.policy);
  logger.info({ policy: store.current().source, rules: summary(store.current()) }, 'policy loaded');
  const source = await tlsSource(options, logger);
  const tls = new TlsHolder(source.pair, source.files);
  const lifecycle = new Lifecycle();
  const reg: Registrations = { sinks: [new LogSink(destination)], observers: [], listening: [], refusals: [], otherRefusals: [], shutdown: [] };
  const callers = callerCheck(options, logger, reg);
  const context = contextFor(options, logger, rules, store, tls, lifecycle, reg);
  for (const extension of deps.extensions ?? []) {
    logger.debug({ extension: extension.name }, 'starting serve extension');
    await extension.start?.(context);
  }
  const audit = await startAudit(options, logger, rules, store);
  const coverage = await startCoverageCheck(options, logger, rules, store);
  const namespaces = await startNamespaceWatch(options, logger, store);
  const { app, sink } = createApp({
    rules,
    policy: () => store.current(),
    sinks: reg.sinks,
    observers: reg.observers,
    logger,
    lifecycle,
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(namespaces ? { namespaceLabels: namespaces.labelsOf } : {}),
  });
  reg.sink = sink;
  const server = createWebhookServer(app, tls.current(), undefined, callers);
  tls.attach(server);
  store.watch(logger, deps.watch);
  const reloader: TlsReloader = watchTlsFiles(source.files, tls.current(), (pair) => tls.update(pair), logger, deps.watch);
  let address: AddressInfo;
  try {
    address = await listen(server, options.host, options.port);
  } catch (error) {
    store.close();
    reloader.close();
    await audit?.stop();
    coverage?.stop();
    await namespaces?.stop();
    throw new RiskgateError('LISTEN_FAILED', `cannot listen on ${options.host}:${options.port}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `https://${host}:${address.port}`;
  const health = await healthPort(options, logger, lifecycle, server);
  for (const task of reg.listening) await task(address);
  lifecycle.markReady();
  logger.info({ url, paths: ['/validate', '/validate/enforce', '/validate/observe', '/healthz', '/readyz'] }, 'riskgate webhook listening');

  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> =>
    (stopping ??= (async () => {
      lifecycle.startDraining();
      const delay = options.shutdownDelay ?? 0;
      if (delay > 0) {
        // Still serving while the Service's endpoints drop this pod (readiness is already false).
        logger.info({ reason, seconds: delay }, 'shutting down: readiness false, still serving during the shutdown delay');
        await new Promise((resolve) => setTimeout(resolve, delay * 1000));
      }
      logger.info({ reason }, 'draining: no new connections, finishing in-flight reviews');
      await drain(server, options.drainTimeout * 1000);
      await health?.close();
      await audit?.stop();
      coverage?.stop();
      await namespaces?.stop();
      await runShutdownTasks(reg, logger);
      store.close();
      reloader.close();
      await sink.close();
      logger.info('riskgate stopped');
      logger.flush();
    })());
  return { address, url, logger, shutdown };
}
