// `riskgate spl`: exports the policy as SPL searches, ESCU detection YAML, or an installable Splunk app, all from the rule data.
import { usageHint } from './usage-hint.js';
import type { Command } from 'commander';
import { Option } from 'commander';

export function registerSplCommand(program: Command): void {
  program
    .command('spl')
    .description('export the policy as Splunk searches (spl), ESCU detection YAML (escu) or a Splunk app folder (splunk-app)')
    .option('--policy <file>', 'policy file (default: built-in, every rule records); exemptions become NOT clauses, off rules are left out')
    .option('--rule <id>', 'only this rule')
    .addOption(new Option('--format <format>', 'what to write').choices(['spl', 'escu', 'splunk-app']).default('spl'))
    .option('--out <dir>', 'write files into this folder instead of printing (required for splunk-app)')
    .option('--app-id <id>', 'folder name and id of the Splunk app (default riskgate_kubernetes)')
    .option('--baseline-window <duration>', 'newly seen TCP edge: the baseline its search compares with, as serve --baseline-window (default 30d)')
    .option('--shells <list>', 'shell on worker node: seed (sh,bash,csh,tcsh), extended (+dash,zsh,ash,ksh) or a comma list, as serve --shells (default seed)')
    .action(async (options: { policy?: string; rule?: string; format: 'spl' | 'escu' | 'splunk-app'; out?: string; appId?: string; baselineWindow?: string; shells?: string }) => {
      const { runSplExport, SplUsageError } = await import('./spl-export.js');
      const { RiskgateError } = await import('../riskgate-error.js');
      try {
        process.exitCode = await runSplExport(options, (t) => process.stdout.write(t), (t) => process.stderr.write(t));
      } catch (error) {
        if (!(error instanceof RiskgateError)) throw error;
        process.stderr.write(`riskgate spl: ${error.message}\n`);
        if (error instanceof SplUsageError) process.stderr.write(`${usageHint('spl')}\n`);
        process.exitCode = error instanceof SplUsageError ? 2 : 1;
      }
    });
}
