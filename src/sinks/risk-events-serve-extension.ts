// `serve` options for risk-event delivery and viewing: HEC + spool, local event store, Kubernetes Events, /metrics port, auditor port (work in risk-events-serve-runtime.ts).
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ServeExtension } from '../cli/serve-extension.js';


function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

function megabytes(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 1) throw new InvalidArgumentError('must be a number of MiB, at least 1');
  return n;
}

function serviceRef(value: string): string {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value)) throw new InvalidArgumentError('must be NAMESPACE/SERVICE');
  return value;
}

function audiences(value: string, previous: string[] = []): string[] {
  if (!/^\S{1,253}$/.test(value)) throw new InvalidArgumentError('must be an audience: 1 to 253 characters, no spaces');
  return [...previous, value];
}

function peerUrls(value: string, previous: string[] = []): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('must be an https:// URL, e.g. https://10.0.0.7:8444');
  }
  if (url.protocol !== 'https:' || !url.port) throw new InvalidArgumentError('must be an https:// URL with a port, e.g. https://10.0.0.7:8444');
  return [...previous, url.origin];
}

function peerTimeout(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 60) throw new InvalidArgumentError('must be a number of seconds, more than 0 and at most 60');
  return n;
}

function eventActions(value: string): Array<'deny' | 'warn'> {
  const actions = value.split(',').map((a) => a.trim());
  if (!actions.every((a) => a === 'deny' || a === 'warn')) throw new InvalidArgumentError('must be deny or deny,warn');
  return [...new Set(actions as Array<'deny' | 'warn'>)];
}

export const riskEventsServeExtension: ServeExtension = {
  name: 'risk-events',
  addOptions(command: Command) {
    command
      .option('--data-dir <dir>', 'local event store and HEC spool (spool/ + delivered/); riskgate events reads it (default: .riskgate)')
      .option('--hec-url <url>', 'Splunk HEC, e.g. https://splunk:8088: risk events are spooled to --data-dir and delivered at least once')
      .option('--hec-token-file <file>', 'file holding the HEC token (default: the RISKGATE_HEC_TOKEN environment variable)')
      .option('--hec-index <index>', 'Splunk index for risk events (default: the token\'s default index)')
      .option('--hec-source <source>', 'HEC source field', 'riskgate')
      .option('--hec-ack', 'wait for indexer acknowledgement before a batch counts as delivered')
      .option('--hec-insecure', 'accept an http:// --hec-url: the token and risk events then cross the network unencrypted (refused without it)')
      .option('--hec-ca-file <file>', "CA certificate (PEM) that signed the HEC server's certificate, trusted besides node's bundled CAs")
      .option('--spool-max-mb <mib>', 'cap on undelivered events in the spool; at it new events are refused (counted and logged), see --spool-when-full', megabytes, 256)
      .addOption(new Option('--spool-when-full <what>', 'at the spool cap: refuse new events and keep the undelivered ones, or drop-oldest').choices(['refuse', 'drop-oldest']).default('refuse'))
      .option('--archive-max-mb <mib>', 'cap on the delivered archive that riskgate events and the auditor view read; past it the oldest segment is removed (logged)', megabytes, 64)
      .option('--k8s-events [actions]', 'write a Kubernetes Event on each denied object (deny, or deny,warn)', eventActions)
      .option('--metrics-port <port>', 'serve Prometheus /metrics over HTTP on this port (off by default)', port)
      .option('--auditor-port <port>', 'serve the auditor page and API over HTTPS on this port (off by default)', port)
      .option('--auditor-token-file <file>', 'a static bearer token for the auditor view (default: Kubernetes TokenReview + SubjectAccessReview)')
      .option('--auditor-audience <audience>', "viewers' tokens must be valid for this audience (TokenReview audiences, e.g. a token from `kubectl create token --audience`), repeatable: one of them (default: the API server's)", audiences)
      .option('--auditor-peers-service <ns/name>', "the auditor view shows every replica's events: the peers are the ready endpoints of this Service's EndpointSlices (port named auditor)", serviceRef)
      .option('--auditor-peer <url>', 'a peer replica\'s auditor URL (https://HOST:PORT), repeatable: for peers outside Kubernetes, or next to --auditor-peers-service', peerUrls)
      .option('--auditor-peer-timeout <seconds>', 'how long the auditor view waits for its peers before it shows what it has and marks the others', peerTimeout, 3);
  },
  async start(context) {
    const { startRiskEvents } = await import('./risk-events-serve-runtime.js');
    await startRiskEvents(context);
  },
};
