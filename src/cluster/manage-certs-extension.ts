// `serve --manage-certs`: the serve extension for in-cluster certificate self-management (options here, work in manage-certs.ts).
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import type { ServeExtension } from '../cli/serve-extension.js';
import { RiskgateError } from '../riskgate-error.js';
import type { ManageCertsOptions } from './manage-certs-options.js';

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}


export const manageCertsExtension: ServeExtension = {
  name: 'manage-certs',
  addOptions(command: Command) {
    command
      .option('--manage-certs', 'in a cluster: create and renew the TLS Secret and patch the webhook caBundle (needs --service)')
      .option('--service <name>', 'with --manage-certs: the Service the API server calls riskgate through')
      .option('--webhook-config <name>', 'with --manage-certs: the ValidatingWebhookConfiguration to patch', 'riskgate')
      .option('--secret <name>', 'with --manage-certs: the TLS Secret to keep the CA and certificate in (default: <service>-tls)')
      .option('--cert-validity-days <days>', 'with --manage-certs: validity of each issued CA and certificate', positive, 365)
      .option('--cert-renew-before-days <days>', 'with --manage-certs: renew when fewer days are left', positive, 60)
      .option('--cert-check-interval <seconds>', 'with --manage-certs: how often to check the Secret and the webhook configuration', positive, 600);
  },
  async start(context) {
    const options = context.options as unknown as ManageCertsOptions;
    if (!options.manageCerts) return;
    if (context.options.tlsCert) throw new RiskgateError('USAGE', '--manage-certs and --tls-cert exclude each other: with --manage-certs riskgate makes its own certificate');
    if (!options.service) throw new RiskgateError('USAGE', '--manage-certs needs --service (the name of riskgate\'s Service)');
    if (options.certRenewBeforeDays >= options.certValidityDays) {
      throw new RiskgateError('USAGE', '--cert-renew-before-days must be less than --cert-validity-days');
    }
    const { startCertificateManagement } = await import('./manage-certs.js');
    await startCertificateManagement(context, { ...options, service: options.service });
  },
};
