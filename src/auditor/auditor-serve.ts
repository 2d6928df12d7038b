// `serve --auditor-port`: the auditor view on its own HTTPS port, over this replica's recent events (seeded from the data dir) and its peers'.
import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ServeContext } from '../cli/serve-extension.js';
import { RiskgateError } from '../riskgate-error.js';
import { readEventStore } from '../sinks/event-store-reader.js';
import { createAuditorApp } from './auditor-app.js';
import { startAuditorServer } from './auditor-server.js';
import type { Authenticator } from './authenticator.js';
import { CertificatePins } from './certificate-pins.js';
import type { ClusterAuditSource } from './cluster-audit-reader.js';
import { FleetEvents } from './fleet-events.js';
import { JudgedEventMemory } from './judged-event-memory.js';
import { KubernetesAuthenticator } from './kubernetes-authenticator.js';
import { PeerDirectory, type PeerDirectoryOptions } from './peer-directory.js';
import { SessionSeal } from './session-seal.js';
import { StaticTokenAuthenticator } from './static-token-authenticator.js';

/** How many recent events the view keeps in memory. */
export const RECENT_EVENTS = 10_000;

export interface AuditorServeOptions {
  port: number;
  dataDir: string;
  tokenFile?: string;
  /** TokenReview audiences a viewer's token must be valid for (none: the API server's own). */
  audiences: readonly string[];
  kubeConfig: () => KubeConfig;
  /** `NAMESPACE/SERVICE` whose EndpointSlices name the peer replicas. */
  peersService?: string;
  /** Peer origins (https://host:port). */
  peers: readonly string[];
  peerTimeoutSeconds: number;
  /** serve --audit-interval runs: show what riskgate's PolicyReports hold. */
  clusterAudit?: boolean;
}

function authenticator(options: AuditorServeOptions): Authenticator {
  if (options.tokenFile) {
    if (options.audiences.length > 0) throw new RiskgateError('auditor-auth', '--auditor-audience applies to Kubernetes tokens (TokenReview), not to --auditor-token-file');
    return StaticTokenAuthenticator.fromFile(options.tokenFile);
  }
  try {
    return new KubernetesAuthenticator(options.kubeConfig(), Date.now, options.audiences);
  } catch (error) {
    throw new RiskgateError('auditor-auth', `--auditor-port needs --auditor-token-file outside a cluster (no kubeconfig: ${(error as Error).message})`);
  }
}

async function peerDirectory(options: AuditorServeOptions): Promise<PeerDirectory> {
  const directory: PeerDirectoryOptions = { staticPeers: options.peers.map((url) => ({ name: new URL(url).host, url: `${url}/` })) };
  if (options.peersService) {
    const [namespace, name] = options.peersService.split('/') as [string, string];
    let kubeConfig: KubeConfig;
    try {
      kubeConfig = options.kubeConfig();
    } catch (error) {
      throw new RiskgateError('auditor-peers', `--auditor-peers-service needs a kubeconfig or an in-cluster ServiceAccount (${(error as Error).message})`);
    }
    const { ClientNodeEndpointSliceReader } = await import('./endpoint-slice-reader.js');
    directory.service = { ref: { namespace, name }, reader: new ClientNodeEndpointSliceReader(kubeConfig) };
  }
  return new PeerDirectory(directory);
}

/** The PolicyReport reader, when credentials are found (the audit itself logs their absence). */
async function policyReports(context: ServeContext): Promise<ClusterAuditSource | undefined> {
  const { PolicyReportReader } = await import('./cluster-audit-reader.js');
  try {
    return PolicyReportReader.fromEnvironment();
  } catch (error) {
    context.logger.warn({ reason: (error as Error).message }, 'auditor view: the cluster audit cannot be shown (no credentials)');
    return undefined;
  }
}

export async function startAuditorView(context: ServeContext, options: AuditorServeOptions): Promise<void> {
  const auth = authenticator(options);
  const memory = new JudgedEventMemory(RECENT_EVENTS, () => context.policy());
  const stored = readEventStore(options.dataDir).events;
  memory.seed(stored.slice(-RECENT_EVENTS));
  context.addSink(memory);
  const selfName = hostname();
  const directory = await peerDirectory(options);
  const pins = new CertificatePins(() => context.tls.current());
  const fleet = new FleetEvents({
    selfName,
    local: () => memory.events,
    directory,
    trusts: (c) => pins.trusts(c),
    deadlineMs: options.peerTimeoutSeconds * 1000,
    onMissing: (replica) => context.logger.warn({ replica: replica.name, reason: replica.error }, 'auditor view: a peer replica did not answer; the view lacks its events'),
  });
  const clusterAudit = options.clusterAudit ? await policyReports(context) : undefined;
  const app = createAuditorApp({
    authenticator: auth,
    events: () => memory.events,
    fleet,
    selfName,
    policy: () => context.policy(),
    ...(clusterAudit ? { clusterAudit } : {}),
    ruleIds: context.rules.map((r) => r.id),
    secureCookie: true,
    // Replicas share the serving key (the fleet view pins it), so a cookie sealed by one opens on the others.
    sessions: new SessionSeal(() => context.tls.current().key),
    onDenied: (decision, path) => {
      context.reportRefusal({ component: 'auditor', reason: decision.outcome, count: 1 });
      context.logger.info({ outcome: decision.outcome, path }, 'auditor view: access refused');
    },
    onRateLimited: (address, path) => {
      context.reportRefusal({ component: 'auditor', reason: 'rate-limited', count: 1 });
      context.logger.warn({ address, path }, 'auditor view: too many failed sign-ins from this address; answered 429 without checking the token');
    },
  });
  let server;
  try {
    server = await startAuditorServer(app, context.options.host, options.port, () => context.tls.current());
  } catch (error) {
    throw new RiskgateError('LISTEN_FAILED', `--auditor-port: cannot listen on ${context.options.host}:${options.port}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  context.onShutdown('auditor server', () => server.close());
  const peers = { static: options.peers.length, service: options.peersService ?? null };
  context.logger.info({ url: `https://${context.options.host}:${server.address.port}/`, auth: auth.kind, audiences: options.audiences, seeded: Math.min(stored.length, RECENT_EVENTS), replica: selfName, peers }, 'auditor view listening');
}
