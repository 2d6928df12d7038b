// The extension points of `riskgate serve`: options, sinks, review observers, extra servers, start-up and shutdown tasks.
import type { Command } from 'commander';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Policy } from '../engine/policy.js';
import type { RiskSink } from '../outputs/risk-sink.js';
import type { RiskEvent } from '../outputs/risk-event.js';
import type { Rule } from '../rules/rule.js';
import type { PemPair } from '../tls/certificates.js';
import type { TlsFiles } from '../tls/cert-files.js';
import type { KeyType } from '../tls/key-type.js';
import type { ReviewObserver } from '../webhook/review-observer.js';
import type { ClientRefusal } from '../webhook/client-auth.js';

/** The options `serve` itself defines; extensions read theirs from the same object (commander's camelCase names). */
export interface ServeOptions {
  policy?: string;
  host: string;
  port: number;
  tlsCert?: string;
  tlsKey?: string;
  certsDir: string;
  /** The key type of the certificates riskgate makes: the dev certificate and --manage-certs' (ECDSA P-256 by default). */
  certKeyType?: KeyType;
  logLevel: string;
  /** Seconds to let in-flight reviews finish after SIGTERM before cutting connections. */
  drainTimeout: number;
  /** Seconds to keep serving after SIGTERM with readiness false, before refusing connections. */
  shutdownDelay?: number;
  /** riskgate's own namespace (default: the pod's own): the Service and Secret of --manage-certs, the audit Lease. */
  namespace?: string;
  /** Milliseconds between cluster audits in the leader replica; absent: no audit. */
  auditInterval?: number;
  auditLease?: string;
  auditLeaseDuration?: number;
  auditMaxResults?: number;
  /** The ValidatingWebhookConfiguration to read for entries that do not carry a rule's action. */
  checkWebhookConfig?: string;
  /** Watch Namespaces for namespaceLabels exemptions (the watch starts when the policy first names one). */
  watchNamespaces?: boolean;
  /** PEM file of the CA that signs the API server's client certificate: callers without one are refused in the TLS handshake. */
  clientCa?: string;
  /** With clientCa: the accepted common names of the client certificate (none: any the CA signed). */
  clientCn?: string[];
  /** Plain-HTTP port for /healthz and /readyz (the kubelet's probes carry no client certificate). */
  healthPort?: number;
  /** The admission port's budget (defaults: 1024, 256, 64 MiB). */
  maxConnections?: number;
  maxConnectionsPerPeer?: number;
  maxBodyMbInFlight?: number;
  [option: string]: unknown;
}

/** Something serve turned away outside the admission port: an OTLP request, or points and edges the baseline refused. */
export interface ServeRefusal {
  component: 'otlp' | 'baseline' | 'auditor';
  reason: string;
  count: number;
}

export interface ServeTls {
  /** The serving certificate in use. */
  current(): PemPair;
  /** Serves a new certificate from now on (new handshakes); throws if cert and key do not match. */
  update(pair: PemPair): void;
  /** The files it is read from and watched, when it comes from files. */
  readonly files: TlsFiles | undefined;
}

/** What an extension's start() may use and add to. Everything added before the webhook listens is in place for the first review. */
export interface ServeContext {
  readonly options: Readonly<ServeOptions>;
  readonly logger: Logger;
  readonly rules: readonly Rule[];
  /** The policy in force (re-read on every call: it changes when the policy file changes). */
  policy(): Policy;
  onPolicyChange(listener: (policy: Policy) => void): void;
  readonly tls: ServeTls;
  /** A risk-event destination, next to the log sink. It is closed at shutdown. */
  addSink(sink: RiskSink): void;
  /**
   * Hands risk events made outside a review (OTLP metric findings) to every sink, as the webhook does. Usable once the
   * webhook app exists (from onListening on); until then it throws.
   */
  recordRiskEvents(events: readonly RiskEvent[]): void;
  /** Watches every review (e.g. metrics). */
  addReviewObserver(observer: ReviewObserver): void;
  /** Each connection the admission port refused (handshake failed, certificate refused, limits). */
  onClientRefused(listener: (refusal: ClientRefusal) => void): void;
  /** Hands on what a part of serve refused (an OTLP body, baseline points), for the metrics; each is also logged by its part. */
  reportRefusal(refusal: ServeRefusal): void;
  onRefusal(listener: (refusal: ServeRefusal) => void): void;
  /** /readyz fails while the check returns false. */
  addReadinessCheck(name: string, check: () => boolean): void;
  /** Runs once the webhook listens (e.g. patch a caBundle, announce the address). */
  onListening(task: (address: AddressInfo) => Promise<void> | void): void;
  /** Runs at shutdown after the webhook drained, in reverse order of registration (e.g. close an extra server). */
  onShutdown(name: string, task: () => Promise<void> | void): void;
}

/**
 * One optional part of `serve` (HEC sink, metrics port, OTLP receiver, in-cluster certificates…). Keep the module that
 * defines it light: addOptions runs for `riskgate --help`; start() should `await import()` its implementation.
 */
export interface ServeExtension {
  name: string;
  addOptions?(command: Command): void;
  /** Runs at start-up, in list order, before the webhook listens. Throw a RiskgateError to stop start-up with a message. */
  start?(context: ServeContext): Promise<void> | void;
}
