// Rule (riskgate, admission-time twin of ESCU Shell Running on Worker Node): kubectl exec of a shell, or an interactive attach.
import type { Condition, RequestRule } from './rule.js';
import { ABNORMAL_KUBERNETES_BEHAVIOR } from './escu-stories.js';
import { EXTENDED_SHELLS, SEED_SHELLS, SHELL_ON_WORKER_NODE_ESCU } from './kubernetes-shell-running-on-worker-node.js';

/**
 * Every shell of the metric rule's seed and extended lists, by basename (`sh`, `/bin/bash`, `/usr/bin/zsh`…).
 * At admission time the extended list costs nothing: it only ever matches a shell somebody asked to run.
 */
export const SHELL_COMMAND_PATTERN = `^(.*/)?(${[...SEED_SHELLS, ...EXTENDED_SHELLS].join('|')})$`;
/** Launchers whose next argument is the program: `busybox sh`, `env bash`. */
export const SHELL_LAUNCHER_PATTERN = '^(.*/)?(busybox|env)$';

const execOfShell: Condition = {
  allOf: [
    { field: 'request.subResource', equals: 'exec' },
    {
      anyOf: [
        { field: 'object.command[0]', matches: SHELL_COMMAND_PATTERN },
        {
          allOf: [
            { field: 'object.command[0]', matches: SHELL_LAUNCHER_PATTERN },
            { field: 'object.command[1]', matches: SHELL_COMMAND_PATTERN },
          ],
        },
      ],
    },
  ],
};

/**
 * `kubectl attach -i` (stdin, with or without a tty) types into the container's main process, which we cannot see
 * from the request: interactive input is the signal. A read-only attach (stdout/stderr only) is not flagged.
 */
const interactiveAttach: Condition = {
  allOf: [
    { field: 'request.subResource', equals: 'attach' },
    { field: 'object.stdin', equals: true },
  ],
};

export const kubernetesShellExecIntoPod: RequestRule = {
  type: 'request',
  id: 'kubernetes-shell-exec-into-pod',
  name: 'Kubernetes Shell Exec Into Pod',
  description:
    'A user runs a shell inside a container (`kubectl exec POD -- sh`, `/bin/bash`, `busybox sh`…) or attaches to a ' +
    "container's main process with stdin (`kubectl attach -i`). The admission-time twin of ESCU's Kubernetes Shell " +
    'Running on Worker Node: it names the user before the shell starts, where the metric detection only sees the ' +
    'process afterwards on the node.',
  escu: { ...SHELL_ON_WORKER_NODE_ESCU, isSeed: false },
  match: { apiGroups: [''], apiVersions: ['v1'], resources: ['pods/exec', 'pods/attach'], operations: ['CONNECT'] },
  condition: { anyOf: [execOfShell, interactiveAttach] },
  rowFields: [
    { name: 'command', path: 'object.command[*]', join: ' ' },
    { name: 'container', path: 'object.container' },
  ],
  reason: 'a shell inside a container gives its user hands-on access to the pod, its secrets and its service account token',
  summary: '$user$ opens $resource$ on pod $namespace$/$name$ (command: $command$)',
  risk: {
    message: 'Kubernetes shell exec into pod $namespace$/$name$ by user $user$',
    // Same impact 50 × confidence 50 / 100 = 25 as the seed: the same activity, seen earlier, must weigh the same in RBA.
    riskObjects: [{ field: 'user', type: 'user', score: 25 }],
    threatObjects: [{ field: 'command', type: 'command' }],
    // T1609 Container Administration Command (https://attack.mitre.org/techniques/T1609/) names `kubectl exec` itself.
    mitreAttack: ['T1204', 'T1609'],
    analyticStories: [ABNORMAL_KUBERNETES_BEHAVIOR],
  },
};
