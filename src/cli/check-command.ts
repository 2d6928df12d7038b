// `riskgate check PATH...`: the CI dry-run; evaluates manifests as the webhook would and exits 0 (pass), 1 (denied) or 2 (bad input).
import type { Command } from 'commander';
import { Option } from 'commander';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('evaluate Kubernetes manifests (files, folders, - for stdin) with the same rules and policy as the webhook')
    .argument('<paths...>', 'manifest files (.yaml, .yml, .json), folders (recursive), or - for stdin')
    .option('--policy <file>', 'policy file (default: built-in, every rule records)')
    .option('--user <name>', 'username the manifests are checked as (user and service account exemptions)', 'riskgate-check')
    .option('--group <name>', 'a group of that user, repeatable (system:authenticated is always added)', collect, [])
    .option('-n, --namespace <ns>', 'namespace of namespaced objects without metadata.namespace (as kubectl apply -n)', 'default')
    .addOption(new Option('--operation <op>', 'admission operation the manifests stand for').choices(['CREATE', 'UPDATE']).default('CREATE'))
    .addOption(new Option('-o, --output <format>', 'report format').choices(['text', 'json', 'junit', 'sarif']).default('text'))
    .option('--out <file>', 'write the report to this file instead of stdout (the summary line still goes to stdout)')
    .addOption(new Option('--fail-on <action>', 'exit 1 on denials only (deny), or on warnings too (warn)').choices(['deny', 'warn']).default('deny'))
    .option('--allow-empty', 'exit 0 when no object is found (default: exit 2, nothing was checked)')
    .option('--at <time>', 'judge exemption blocks with an end as at this RFC 3339 time (default: now)')
    .action(async (paths: string[], options: Record<string, unknown>) => {
      // The engine, yaml and the writers load only now: `riskgate --version` stays fast.
      const { runCheckCommand } = await import('../check/check-main.js');
      process.exitCode = await runCheckCommand(paths, options);
    });
}
