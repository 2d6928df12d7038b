// Shell completion scripts for bash and zsh, written from the command tree itself (subcommands, options, option choices).
import type { Command, Option } from 'commander';

interface CommandWords {
  path: string;
  subcommands: string[];
  options: string[];
  /** Option flag → its allowed values (commander choices). */
  choices: Map<string, string[]>;
}

function optionFlags(option: Option): string[] {
  return [option.short, option.long].filter((flag): flag is string => typeof flag === 'string');
}

/** Every command of the tree (riskgate itself first) with the words that may follow it. */
function commandWords(command: Command, path = ''): CommandWords[] {
  const options = command.options.flatMap(optionFlags);
  options.push('--help');
  const choices = new Map<string, string[]>();
  for (const option of command.options) if (option.argChoices) for (const flag of optionFlags(option)) choices.set(flag, option.argChoices);
  const own: CommandWords = { path, subcommands: command.commands.map((c) => c.name()), options, choices };
  return [own, ...command.commands.flatMap((c) => commandWords(c, path ? `${path} ${c.name()}` : c.name()))];
}

/** `case` arms of the previous word: an option with choices completes its values. */
function choiceArms(all: readonly CommandWords[], indent: string, complete: (values: string[]) => string): string {
  return all.flatMap((w) => [...w.choices].map(([flag, list]) => `${indent}"${w.path || 'riskgate'}:${flag}") ${complete(list)} ;;`)).join('\n');
}

function wordArms(all: readonly CommandWords[], indent: string, complete: (values: string[]) => string): string {
  return all.map((w) => `${indent}"${w.path || 'riskgate'}") ${complete([...w.subcommands, ...w.options])} ;;`).join('\n');
}

/** `|check|policy|policy validate|…|`: the command paths, to tell a subcommand from an argument. */
function pathList(all: readonly CommandWords[]): string {
  return `|${all.map((w) => w.path).filter((p) => p !== '').join('|')}|`;
}

/** A bash completion script: `source <(riskgate completion bash)`. */
export function bashCompletion(program: Command): string {
  const all = commandWords(program);
  const words = (values: string[]) => `COMPREPLY=($(compgen -W "${values.join(' ')}" -- "$cur"))`;
  return `# bash completion for riskgate: source <(riskgate completion bash), or save it as /etc/bash_completion.d/riskgate
_riskgate() {
  local cur prev cmdpath word paths='${pathList(all)}'
  COMPREPLY=()
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmdpath=""
  for word in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    [[ "$paths" == *"|\${cmdpath:+$cmdpath }$word|"* ]] && cmdpath="\${cmdpath:+$cmdpath }$word"
  done
  case "\${cmdpath:-riskgate}:$prev" in
${choiceArms(all, '    ', (v) => `${words(v)}; return`)}
  esac
  case "\${cmdpath:-riskgate}" in
${wordArms(all, '    ', words)}
  esac
  [[ \${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=($(compgen -f -- "$cur"))
  return 0
}
complete -o filenames -F _riskgate riskgate
`;
}

/** A zsh completion script: `source <(riskgate completion zsh)` (after compinit), or save it as _riskgate on $fpath. */
export function zshCompletion(program: Command): string {
  const all = commandWords(program);
  const add = (values: string[]) => `compadd -- ${values.join(' ')}`;
  return `#compdef riskgate
# zsh completion for riskgate: source <(riskgate completion zsh) after compinit, or save it as _riskgate on $fpath
_riskgate() {
  local cmdpath="" word paths='${pathList(all)}'
  for word in \${words[2,CURRENT-1]}; do
    [[ "$paths" == *"|\${cmdpath:+$cmdpath }$word|"* ]] && cmdpath="\${cmdpath:+$cmdpath }$word"
  done
  case "\${cmdpath:-riskgate}:\${words[CURRENT-1]}" in
${choiceArms(all, '    ', (v) => `${add(v)}; return`)}
  esac
  case "\${cmdpath:-riskgate}" in
${wordArms(all, '    ', add)}
  esac
  _files
}
compdef _riskgate riskgate
`;
}
