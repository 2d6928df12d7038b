// `riskgate serve`: the HTTPS admission webhook; options here (the cluster audit's too), wiring in serve-runtime.ts, extensions in serve-extensions.ts.
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { parseDuration } from '../engine/metric-options.js';
import { DEFAULT_KEY_TYPE, KEY_TYPES } from '../tls/key-type.js';
import { serveExtensions } from './serve-extensions.js';
import type { ServeOptions } from './serve-extension.js';

export const DEFAULT_PORT = 8443;

/** The heading each extension's options are listed under in `serve --help`. */
const OPTION_GROUPS: Readonly<Record<string, string>> = {
  'admission-port': 'Admission port (who may call, connection and body budget):',
  'manage-certs': 'Certificates in the cluster (--manage-certs):',
  'risk-events': 'Risk-event sinks, /metrics and the auditor page:',
  'otlp-metrics': 'OTLP metrics receiver and edge baseline:',
  vap: 'ValidatingAdmissionPolicies:',
};

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

function duration(value: string): number {
  const ms = (() => {
    try {
      return parseDuration(value, 'duration');
    } catch {
      throw new InvalidArgumentError('must be a duration: a whole number with s, m, h or d (e.g. 1h)');
    }
  })();
  if (ms < 1000) throw new InvalidArgumentError('must be at least 1s');
  return ms;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number of seconds');
  return n;
}

async function serve(options: ServeOptions, command: Command): Promise<void> {
  if (Boolean(options.tlsCert) !== Boolean(options.tlsKey)) command.error('error: --tls-cert and --tls-key go together', { exitCode: 2 });
  const { startServe } = await import('./serve-runtime.js');
  let running;
  try {
    running = await startServe(options, { extensions: serveExtensions });
  } catch (error) {
    process.stderr.write(`riskgate serve: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const stop = (signal: string) => {
    running.shutdown(signal).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

export function registerServeCommand(program: Command): void {
  const command = program
    .command('serve')
    .description('serve the validating admission webhook over HTTPS (POST /validate, /validate/enforce, /validate/observe)')
    .optionsGroup('Policy:')
    .option('--policy <file>', 'policy YAML file, re-read when it changes (default: built-in, every rule records)')
    .optionsGroup('Server and TLS:')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', port, DEFAULT_PORT)
    .option('--tls-cert <file>', 'serving certificate (PEM), reloaded when it changes; with --tls-key')
    .option('--tls-key <file>', 'private key (PEM) of --tls-cert')
    .option('--certs-dir <dir>', 'without --tls-cert: where the self-signed dev CA and certificate are made and reused', 'certs')
    .addOption(new Option('--cert-key-type <type>', 'the key of the certificates riskgate makes (dev certificate, --manage-certs): ecdsa (P-256, fast handshakes) or rsa (2048)').choices([...KEY_TYPES]).default(DEFAULT_KEY_TYPE))
    .optionsGroup('Logging:')
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'))
    .addOption(new Option('--log-format <format>', 'pretty: one line per entry for a terminal; json: JSON lines for collectors (default: pretty when stdout is a terminal, else json)').choices(['pretty', 'json']))
    .optionsGroup('Shutdown:')
    .option('--shutdown-delay <seconds>', 'on SIGTERM, keep serving this long with /readyz failing (endpoint removal) before draining', seconds, 0)
    .option('--drain-timeout <seconds>', 'then, how long in-flight reviews may take before connections are cut', seconds, 25)
    .optionsGroup('Cluster (namespace, audit and PolicyReports):')
    .option('--namespace <ns>', 'riskgate\'s own namespace: its Service and Secret (--manage-certs) and the audit Lease (default: the pod\'s own)')
    .option('--audit-interval <duration>', 'audit the live objects this often (e.g. 1h) in the replica holding the Lease, and write PolicyReports (off by default)', duration)
    .option('--audit-lease <name>', 'with --audit-interval: the coordination.k8s.io Lease the replicas elect the auditing one with', 'riskgate-audit')
    .option('--audit-lease-duration <seconds>', 'with --audit-interval: how long the Lease holds without renewal before another replica takes over', seconds, 15)
    .option('--audit-max-results <n>', 'with --audit-interval: results per PolicyReport at most, the most pressing first (its summary counts all)', positiveInteger, 1000)
    .option('--watch-namespaces', "list and watch Namespaces so that namespaceLabels exemptions apply (started when the policy first names one; needs list and watch on namespaces); without it they exempt nothing")
    .option('--check-webhook-config <name>', "read this ValidatingWebhookConfiguration at start-up, on each policy change and every 10 minutes, and warn when it does not send a rule's requests to the entry its action needs (deny: enforce, warn/record: observe)");
  for (const extension of serveExtensions) {
    command.optionsGroup(OPTION_GROUPS[extension.name] ?? 'Other options:');
    extension.addOptions?.(command);
  }
  command.action(serve);
}
