// The examples and exit codes shown at the end of each command's --help (kubectl and helm show both).

export interface CommandHelp {
  examples: string[];
  exitCodes: Array<[code: number, meaning: string]>;
}

const USAGE = 'a usage error (unknown option, bad or missing value)';

export const COMMAND_HELP: Readonly<Record<string, CommandHelp>> = {
  '': {
    examples: ['riskgate serve --policy policy.yaml', 'riskgate check deploy/', 'riskgate <command> --help'],
    exitCodes: [[0, 'success'], [1, 'the command\'s verdict or a runtime error (see the command\'s --help)'], [2, USAGE]],
  },
  serve: {
    examples: ['riskgate serve                                   # https://127.0.0.1:8443, self-signed certs in certs/', 'riskgate serve --policy policy.yaml --tls-cert tls.crt --tls-key tls.key --data-dir /var/lib/riskgate'],
    exitCodes: [[0, 'stopped by SIGTERM or SIGINT after draining'], [1, 'could not start (policy, certificates, port in use)'], [2, USAGE]],
  },
  certs: {
    examples: ['riskgate certs --service riskgate -n riskgate --out certs/'],
    exitCodes: [[0, 'files written, caBundle printed'], [1, 'files could not be written (exist without --force, or I/O)'], [2, USAGE]],
  },
  check: {
    examples: ['riskgate check deploy/', 'helm template my-chart | riskgate check - --policy .riskgate/policy.yaml', 'kubectl get svc,ds -A -o json | riskgate check - -o sarif --out riskgate.sarif'],
    exitCodes: [[0, 'nothing denied (warn, record and exempt findings are printed)'], [1, 'an object is denied (or warned, with --fail-on warn)'], [2, `${USAGE}, a policy or input error, or no object found without --allow-empty`]],
  },
  audit: {
    examples: ['riskgate audit', 'riskgate audit --context prod -n team-a -o sarif --out audit.sarif', 'riskgate audit -o policyreport | kubectl apply -f -'],
    exitCodes: [[0, 'nothing would be denied'], [1, 'an object would be denied (or warned, with --fail-on warn)'], [2, `${USAGE}, a policy error, or the cluster refused or could not be reached`]],
  },
  spl: {
    examples: ['riskgate spl', 'riskgate spl --format escu --out escu/', 'riskgate spl --format splunk-app --policy policy.yaml --out build/'],
    exitCodes: [[0, 'written'], [1, 'a policy error or an output that cannot be written'], [2, USAGE]],
  },
  replay: {
    examples: ['riskgate replay audit.log', 'zcat audit.log.gz | riskgate replay - --policy policy.yaml -o risk-events'],
    exitCodes: [[0, 'replayed (findings are output, not failure)'], [1, 'a policy error or an input that cannot be read'], [2, USAGE]],
  },
  events: {
    examples: ['riskgate events --since 24h --action deny', 'riskgate events --server https://127.0.0.1:8444 --token-file auditor.token --ca-file certs/ca.crt -n "team-*"'],
    exitCodes: [[0, 'listed'], [1, 'the store cannot be read, the server refused, or a replica did not answer'], [2, USAGE]],
  },
  'detect-metrics': {
    examples: ['riskgate detect-metrics metrics.json', 'riskgate detect-metrics --data-dir .riskgate -o risk-events exports/*.json'],
    exitCodes: [[0, 'read (findings are output, not failure)'], [1, 'a policy error or an input that cannot be read'], [2, USAGE]],
  },
  vap: {
    examples: ['riskgate vap --policy policy.yaml | kubectl apply -f -', 'riskgate vap --policy policy.yaml --out vap/'],
    exitCodes: [[0, 'written (or nothing to write)'], [1, 'a policy error or an output that cannot be written'], [2, `${USAGE}, or a bad --at`]],
  },
  policy: {
    examples: ['riskgate policy validate policy.yaml', 'riskgate policy schema > riskgate-policy.schema.json'],
    exitCodes: [[0, 'valid / printed'], [1, 'the policy file is invalid or unreadable'], [2, USAGE]],
  },
  'policy validate': {
    examples: ['riskgate policy validate policy.yaml'],
    exitCodes: [[0, 'the policy is valid'], [1, 'the policy is invalid or unreadable (file:line:column: key: message)'], [2, USAGE]],
  },
  'policy schema': {
    examples: ['riskgate policy schema > riskgate-policy.schema.json', '# in a policy file, for yaml-language-server: # yaml-language-server: $schema=riskgate-policy.schema.json'],
    exitCodes: [[0, 'printed'], [2, USAGE]],
  },
  completion: {
    examples: ['source <(riskgate completion bash)', 'riskgate completion zsh > "${fpath[1]}/_riskgate"'],
    exitCodes: [[0, 'printed'], [2, `${USAGE}: a shell other than bash or zsh`]],
  },
};

/** The text after the options in `riskgate <path> --help`. */
export function helpEpilogue(help: CommandHelp): string {
  const examples = help.examples.map((line) => `  ${line.startsWith('#') ? line : `$ ${line}`}`).join('\n');
  const codes = help.exitCodes.map(([code, meaning]) => `  ${code}  ${meaning}`).join('\n');
  return `\nExamples:\n${examples}\n\nExit codes:\n${codes}\n`;
}
