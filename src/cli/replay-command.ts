// `riskgate replay FILE...|-`: replays Kubernetes audit logs through the rules and policy, printing the SPL table, decisions or risk events.
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return value;
}

export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description('replay Kubernetes audit logs (JSON lines, JSON arrays, Splunk exports; .gz) with the same rules and policy as the webhook')
    .argument('<files...>', 'audit log files, or - for stdin')
    .option('--policy <file>', 'policy file (default: built-in, every rule records)')
    .addOption(
      new Option('-o, --output <format>', 'table: the rows each rule\'s SPL would produce; json: one line per request with findings; risk-events: RBA risk events')
        .choices(['table', 'json', 'risk-events'])
        .default('table'),
    )
    .option('--max-remembered <objects>', 'stored objects kept to judge patches the log shows no result of (least recently used out)', positiveInteger)
    .option('--namespaces <file>', 'Namespace objects (kubectl get namespaces -o yaml) whose labels namespaceLabels exemptions judge before the log\'s own Namespace writes update them')
    .action(async (files: string[], options: { policy?: string; output: 'table' | 'json' | 'risk-events'; maxRemembered?: number; namespaces?: string }) => {
      // The engine and readers load only now: `riskgate --version` stays fast.
      const { runReplay } = await import('../replay/replay-main.js');
      const { RiskgateError } = await import('../riskgate-error.js');
      try {
        process.exitCode = await runReplay(files, options, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
      } catch (error) {
        if (!(error instanceof RiskgateError)) throw error;
        process.stderr.write(`riskgate replay: ${error.message}\n`);
        process.exitCode = 1;
      }
    });
}
