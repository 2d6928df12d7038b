#!/usr/bin/env node
// The `riskgate` command: parses the command line with commander and hands each subcommand to its own file.
import { Command } from 'commander';
import { createRequire } from 'node:module';
import { commands } from './command-list.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const program = new Command('riskgate')
  .description('Splunk ESCU Kubernetes detections at admission time, in CI, and over audit logs')
  .version(version, '-V, --version')
  .showHelpAfterError()
  .exitOverride((err) => {
    // commander's own usage errors (unknown option, missing argument) exit 2, as every riskgate usage error does.
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

for (const register of commands) register(program);

await program.parseAsync(process.argv);
