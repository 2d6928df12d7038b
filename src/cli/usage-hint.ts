// The second line of every usage error, as kubectl and helm point to their help: `Run 'riskgate <command> --help' for usage.`

/** `command` is the path after `riskgate` (e.g. `check`, `policy validate`), empty for riskgate itself. */
export function usageHint(command: string): string {
  return `Run 'riskgate ${command ? `${command} ` : ''}--help' for usage.`;
}
