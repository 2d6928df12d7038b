// `riskgate audit`: judges the live Services and DaemonSets of a cluster as if created now; reports like check, exits 0 (pass), 1 (would be denied) or 2 (refused, unreachable).
import type { Command } from 'commander';
import { Option } from 'commander';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('judge the objects already in a cluster (every kind a rule checks on CREATE) with the same rules and policy as the webhook')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else the pod\'s service account)')
    .option('--context <name>', 'kubeconfig context (default: the current context)')
    .option('-n, --namespace <ns>', 'audit only this namespace, repeatable (default: all namespaces and cluster-scoped kinds)', collect, [])
    .option('--policy <file>', 'policy file (default: built-in, every rule records)')
    .addOption(new Option('-o, --output <format>', 'report format (policyreport: the wgpolicyk8s.io/v1alpha2 PolicyReports, for kubectl apply)').choices(['text', 'json', 'junit', 'sarif', 'policyreport']).default('text'))
    .option('--out <file>', 'write the report to this file instead of stdout (the summary line still goes to stdout)')
    .addOption(new Option('--fail-on <action>', 'exit 1 on would-be denials only (deny), or on warnings too (warn)').choices(['deny', 'warn']).default('deny'))
    .action(async (options: Record<string, unknown>) => {
      // The Kubernetes client, the engine and the writers load only now: `riskgate --version` stays fast.
      const { runAuditCommand } = await import('../cluster-audit/audit-main.js');
      process.exitCode = await runAuditCommand(options);
    });
}
