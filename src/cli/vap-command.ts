// `riskgate vap`: writes the policy's deny and warn rules as ValidatingAdmissionPolicies (CEL in the API server, no webhook).
import type { Command } from 'commander';
import { Option } from 'commander';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerVapCommand(program: Command): void {
  program
    .command('vap')
    .description('write ValidatingAdmissionPolicies and bindings (admissionregistration.k8s.io/v1) for the rules in deny or warn')
    .option('--policy <file>', 'policy file (default: built-in, every rule records: nothing to write)')
    .option('--out <dir>', 'a folder to write one <name>.yaml per policy into, or - for stdout', '-')
    .option('--exclude-namespace <ns>', 'a namespace the policies never apply to, repeatable (as the webhook excludes kube-system and its own)', collect, [])
    .addOption(new Option('--action <action>', 'only this action, repeatable (default deny and warn)').choices(['deny', 'warn']).argParser(collect).default([]))
    .option('--at <time>', 'compile the exemption blocks live at this RFC 3339 time (default now)')
    .action(async (options: { policy?: string; out: string; excludeNamespace: string[]; action: Array<'deny' | 'warn'>; at?: string }) => {
      const { runVap, VapUsageError } = await import('../vap/vap-main.js');
      const { RiskgateError } = await import('../riskgate-error.js');
      const actions = options.action.length > 0 ? options.action : (['deny', 'warn'] as const);
      try {
        process.exitCode = runVap({ ...options, action: [...actions] }, (t) => process.stdout.write(t), (t) => process.stderr.write(t));
      } catch (error) {
        if (!(error instanceof RiskgateError)) throw error;
        process.stderr.write(`riskgate vap: ${error.message}\n`);
        process.exitCode = error instanceof VapUsageError ? 2 : 1;
      }
    });
}
