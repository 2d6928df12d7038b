// `serve --auditor-port`: the auditor view on its own HTTPS port, showing recent events kept in memory (seeded from the data dir at start).
import type { KubeConfig } from '@kubernetes/client-node';
import type { ServeContext } from '../cli/serve-extension.js';
import { MemorySink } from '../outputs/risk-sink.js';
import { RiskgateError } from '../riskgate-error.js';
import { readEventStore } from '../sinks/event-store-reader.js';
import { createAuditorApp } from './auditor-app.js';
import { startAuditorServer } from './auditor-server.js';
import type { Authenticator } from './authenticator.js';
import { KubernetesAuthenticator } from './kubernetes-authenticator.js';
import { StaticTokenAuthenticator } from './static-token-authenticator.js';

/** How many recent events the view keeps in memory. */
export const RECENT_EVENTS = 10_000;

export interface AuditorServeOptions {
  port: number;
  dataDir: string;
  tokenFile?: string;
  kubeConfig: () => KubeConfig;
}

function authenticator(options: AuditorServeOptions): Authenticator {
  if (options.tokenFile) return StaticTokenAuthenticator.fromFile(options.tokenFile);
  try {
    return new KubernetesAuthenticator(options.kubeConfig());
  } catch (error) {
    throw new RiskgateError('auditor-auth', `--auditor-port needs --auditor-token-file outside a cluster (no kubeconfig: ${(error as Error).message})`);
  }
}

export async function startAuditorView(context: ServeContext, options: AuditorServeOptions): Promise<void> {
  const auth = authenticator(options);
  const recent = new MemorySink(RECENT_EVENTS);
  const stored = readEventStore(options.dataDir).events;
  recent.write(stored.slice(-RECENT_EVENTS));
  context.addSink(recent);
  const app = createAuditorApp({
    authenticator: auth,
    events: () => recent.events,
    ruleIds: context.rules.map((r) => r.id),
    secureCookie: true,
    onDenied: (decision, path) => context.logger.info({ outcome: decision.outcome, path }, 'auditor view: access refused'),
  });
  let server;
  try {
    server = await startAuditorServer(app, context.options.host, options.port, () => context.tls.current());
  } catch (error) {
    throw new RiskgateError('LISTEN_FAILED', `--auditor-port: cannot listen on ${context.options.host}:${options.port}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  context.onShutdown('auditor server', () => server.close());
  context.logger.info({ url: `https://${context.options.host}:${server.address.port}/`, auth: auth.kind, seeded: Math.min(stored.length, RECENT_EVENTS) }, 'auditor view listening');
}
