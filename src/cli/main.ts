#!/usr/bin/env node
// The `riskgate` command: parses the command line with commander and hands each subcommand to its own file.
import { Command } from 'commander';
import { createRequire } from 'node:module';
import { COMMAND_HELP, helpEpilogue } from './command-help.js';
import { commands } from './command-list.js';
import { registerCompletionCommand } from './completion-command.js';
import { registerPolicyCommand } from './policy-command.js';
import { usageHint } from './usage-hint.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const program = new Command('riskgate')
  .description('Splunk ESCU Kubernetes detections at admission time, in CI, and over audit logs')
  .version(version, '-V, --version')
  .exitOverride((err) => {
    // commander's own usage errors (unknown option, missing argument) exit 2, as every riskgate usage error does.
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

for (const register of [...commands, registerPolicyCommand, registerCompletionCommand]) register(program);

/** A usage error is its line plus where the help is, not the whole help; each --help ends with examples and exit codes. */
function finish(command: Command, path: string): void {
  command.showHelpAfterError(usageHint(path));
  const help = COMMAND_HELP[path];
  if (help) command.addHelpText('after', helpEpilogue(help));
  for (const sub of command.commands) finish(sub, path ? `${path} ${sub.name()}` : sub.name());
}
finish(program, '');

await program.parseAsync(process.argv);
