// `riskgate certs`: writes a CA and a serving certificate for riskgate's Service (ca.crt, tls.crt, tls.key) and prints the caBundle.
import { usageHint } from './usage-hint.js';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { DEFAULT_KEY_TYPE, KEY_TYPES } from '../tls/key-type.js';
import type { KeyType } from '../tls/key-type.js';

export interface CertsOptions {
  service: string;
  namespace: string;
  out: string;
  days: number;
  clusterDomain: string;
  force: boolean;
  /** ECDSA P-256 unless asked for RSA. */
  keyType?: KeyType;
}

function positiveDays(value: string): number {
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new InvalidArgumentError('must be a whole number of days from 1 to 3650');
  return days;
}

/** Issues the certificate, writes the three files, and returns the caBundle (base64 of ca.crt). */
export async function runCerts(options: CertsOptions, now = new Date()): Promise<{ caBundle: string; files: string[] }> {
  const { issueServiceCertificate } = await import('../tls/service-certificate.js');
  const { caBundleBase64 } = await import('../tls/ca-bundle.js');
  const { writePemFiles, CERT_MODE, KEY_MODE } = await import('../cluster/pem-files.js');
  const issued = issueServiceCertificate({
    service: options.service,
    namespace: options.namespace,
    now,
    days: options.days,
    clusterDomain: options.clusterDomain,
    ...(options.keyType ? { keyType: options.keyType } : {}),
  });
  const files = await writePemFiles(
    options.out,
    [
      { name: 'ca.crt', content: issued.ca.cert, mode: CERT_MODE },
      { name: 'tls.key', content: issued.serving.key, mode: KEY_MODE },
      { name: 'tls.crt', content: issued.serving.cert, mode: CERT_MODE },
    ],
    options.force,
  );
  return { caBundle: caBundleBase64(issued.ca.cert), files };
}

function usage(message: string): never {
  process.stderr.write(`riskgate certs: ${message}\n${usageHint('certs')}\n`);
  process.exit(2);
}

export function registerCertsCommand(program: Command): void {
  program
    .command('certs')
    .description('write a CA and a serving certificate for the webhook Service (ca.crt, tls.crt, tls.key) and print the caBundle')
    .requiredOption('--service <name>', 'name of the Service the API server calls')
    .requiredOption('-n, --namespace <ns>', 'namespace of that Service')
    .requiredOption('--out <dir>', 'directory to write ca.crt, tls.crt and tls.key into')
    .option('--days <n>', 'validity of the CA and the certificate, in days', positiveDays, 365)
    .option('--cluster-domain <domain>', 'cluster DNS domain', 'cluster.local')
    .option('--force', 'overwrite existing files', false)
    .addOption(new Option('--key-type <type>', 'the key of the CA and the certificate: ecdsa (P-256, fast handshakes) or rsa (2048)').choices([...KEY_TYPES]).default(DEFAULT_KEY_TYPE))
    .action(async (options: CertsOptions) => {
      const { isDnsLabel } = await import('../tls/service-certificate.js');
      if (!isDnsLabel(options.service)) usage(`--service ${JSON.stringify(options.service)} is not a valid Service name (DNS-1123 label)`);
      if (!isDnsLabel(options.namespace)) usage(`--namespace ${JSON.stringify(options.namespace)} is not a valid namespace name (DNS-1123 label)`);
      const { RiskgateError } = await import('../riskgate-error.js');
      try {
        const { caBundle, files } = await runCerts(options);
        process.stderr.write(`wrote ${files.join(', ')}\ncaBundle (base64 of ca.crt) for the ValidatingWebhookConfiguration:\n`);
        process.stdout.write(`${caBundle}\n`);
      } catch (e) {
        if (!(e instanceof RiskgateError) && (e as NodeJS.ErrnoException).code === undefined) throw e;
        process.stderr.write(`riskgate certs: ${(e as Error).message}\n`);
        process.exit(1);
      }
    });
}
