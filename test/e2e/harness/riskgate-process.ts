// e2e harness: `riskgate serve` from the built CLI as its own process, with a certificate for 127.0.0.1 and its own data dir.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from './repo.js';
import { freePort } from './free-port.js';
import { issue, makeCa, type CertificateAuthority } from './pki.js';
import { startProcess, type RunningProcess } from './running-process.js';
import { waitFor } from './wait-for.js';
import { httpsGet } from './https-get.js';

/** The CA and serving certificate every riskgate of one test file shares (so a second replica or a restart is trusted). */
export interface WebhookPki {
  ca: CertificateAuthority;
  cert: string;
  key: string;
  /** base64 of the CA PEM, for clientConfig.caBundle. */
  caBundle: string;
}

export function makeWebhookPki(dir: string): WebhookPki {
  const pkiDir = join(dir, 'webhook-pki');
  mkdirSync(pkiDir, { recursive: true });
  const ca = makeCa(pkiDir, 'webhook-ca');
  const served = issue(pkiDir, ca, 'webhook', { cn: 'riskgate', sans: ['IP:127.0.0.1', 'DNS:localhost'], usage: 'server' });
  return { ca, ...served, caBundle: readFileSync(ca.cert).toString('base64') };
}

export interface RiskgateOptions {
  name: string;
  dir: string;
  /** Serving certificate files; absent when riskgate makes its own (e.g. --manage-certs): readiness is then checked without verifying. */
  pki?: WebhookPki;
  policy: string;
  /** Address to listen on (default 127.0.0.1), e.g. a Service's loopback ClusterIP. */
  host?: string;
  port?: number;
  metricsPort?: number;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** The client certificate the readiness check presents (riskgate started with --client-ca). */
  clientCert?: { cert: string; key: string };
}

export interface Riskgate {
  name: string;
  port: number;
  url: string;
  dataDir: string;
  policyFile: string;
  process: RunningProcess;
  metricsUrl: string;
  /** Text of riskgate's Prometheus /metrics. */
  metrics(): Promise<string>;
  /** AdmissionReviews answered so far (sum of riskgate_reviews_total). */
  reviewCount(): Promise<number>;
  /** The JSON log lines riskgate wrote so far. */
  logLines(): Record<string, unknown>[];
  stop(): Promise<number | null>;
}

/** Starts `node dist/cli/main.js serve` and waits for /readyz. The same name reuses its data dir (a restart). */
export async function startRiskgate(options: RiskgateOptions): Promise<Riskgate> {
  const port = options.port ?? (await freePort());
  const home = join(options.dir, options.name);
  mkdirSync(home, { recursive: true });
  const policyFile = join(home, 'policy.yaml');
  writeFileSync(policyFile, options.policy);
  const dataDir = join(home, 'data');
  const metricsPort = options.metricsPort ?? (await freePort());
  const args = [
    '--max-semi-space-size=4', CLI, 'serve', '--host', options.host ?? '127.0.0.1', '--port', String(port), '--policy', policyFile,
    ...(options.pki ? ['--tls-cert', options.pki.cert, '--tls-key', options.pki.key] : []), '--data-dir', dataDir,
    '--metrics-port', String(metricsPort), ...(options.args ?? []),
  ];
  const logFile = join(home, 'riskgate.log');
  const process = startProcess(`riskgate ${options.name}`, globalThis.process.execPath, args, { cwd: home, logFile, env: { ...globalThis.process.env, ...(options.env ?? {}) } });
  const url = `https://${options.host ?? '127.0.0.1'}:${port}`;
  const ca = options.pki?.ca.cert;
  const ready = async () => (await httpsGet(`${url}/readyz`, ca ?? null, options.clientCert ? { clientCert: options.clientCert } : {})).status === 200;
  await waitFor(`riskgate ${options.name} on ${url}`, 30_000, ready, () => process.failure());
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const metrics = async () => (await fetch(metricsUrl)).text();
  return {
    name: options.name,
    port,
    url,
    metricsUrl,
    metrics,
    reviewCount: async () => sumOf(await metrics(), 'riskgate_reviews_total'),
    dataDir,
    policyFile,
    process,
    logLines: () =>
      readFileSync(logFile, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    stop: () => process.stop(30_000),
  };
}

/** The sum of every sample of a Prometheus counter in an exposition text. */
export function sumOf(text: string, metric: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(metric) || !/^[a-z0-9_]+(\{| )/.test(line) || line.slice(metric.length)[0] === '_') continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
