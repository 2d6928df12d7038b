// `riskgate completion bash|zsh`: prints a shell completion script, as `kubectl completion` and `helm completion` do.
import type { Command } from 'commander';
import { bashCompletion, zshCompletion } from './completion-script.js';

export function registerCompletionCommand(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script for bash or zsh (source it, or install it where your shell loads completions)')
    .addArgument(program.createArgument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
    .action((shell: 'bash' | 'zsh') => {
      process.stdout.write(shell === 'bash' ? bashCompletion(program) : zshCompletion(program));
    });
}
