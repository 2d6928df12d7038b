// Rule (riskgate, admission-time twin of ESCU Shell Running on Worker Node): kubectl exec of a shell, or an interactive attach.
import type { Condition, RequestRule } from './rule.js';
import { ABNORMAL_KUBERNETES_BEHAVIOR } from './escu-stories.js';
import { EXTENDED_SHELLS, SEED_SHELLS, SHELL_ON_WORKER_NODE_ESCU } from './kubernetes-shell-running-on-worker-node.js';

/** Shells beyond the metric rule's lists that an exec may start: each is a command interpreter a user can type into. */
export const MORE_SHELLS = ['fish', 'mksh', 'rbash', 'yash', 'posh', 'pdksh', 'oksh', 'loksh', 'rc', 'es', 'elvish', 'nu', 'xonsh'];
const SHELLS = [...SEED_SHELLS, ...EXTENDED_SHELLS, ...MORE_SHELLS].join('|');

/** A shell by basename (`sh`, `/bin/bash`, `/usr/bin/fish`…): the metric rule's seed and extended lists, and MORE_SHELLS. */
export const SHELL_COMMAND_PATTERN = `^(.*/)?(${SHELLS})$`;
/** Programs that run the program named later in their arguments: `env -i sh`, `nice -n 5 bash`, `timeout 99 sh`… */
export const SHELL_LAUNCHER_PATTERN = '^(.*/)?(env|busybox|nice|ionice|timeout|chroot|stdbuf|setsid|nohup|taskset|unshare|nsenter|sudo|su|runuser|doas|exec|chrt|setpriv|capsh|flock)$';
/**
 * What may stand between a launcher and the shell it runs: options (`-i`, `-n`), assignments (`FOO=1`), numbers and
 * durations (`5`, `999`, `10s`), absolute paths (chroot's new root: so `timeout 5 /bin/cat /bin/sh` is read as a shell
 * too), and further launchers.
 */
export const LAUNCHER_ARGUMENT_PATTERN = '^(-.*|[A-Za-z_][A-Za-z0-9_]*=.*|[0-9][0-9.]*[smhd]?|/.*|(.*/)?(env|busybox|nice|ionice|timeout|chroot|stdbuf|setsid|nohup|taskset|unshare|nsenter|sudo|su|runuser|doas|exec|chrt|setpriv|capsh|flock))$';
/**
 * The launchers' options that take a value as the next word (their option tables, as data): the value may be anything,
 * a signal name, a user, a variable, a CPU list. `timeout -s|--signal SIG -k|--kill-after T`, `sudo|doas|runuser -u|-g
 * USER -C N -D|--chdir DIR -h HOST -p PROMPT -r ROLE -t TYPE -U USER -T SECS`, `env -u|--unset VAR -C|--chdir DIR`,
 * `nice -n|--adjustment N`, `ionice -c|-n|-p|-P|-u N`, `taskset -c|-p LIST`, `chroot --userspec|--groups X`,
 * `nsenter -t|--target -S|--setuid -G|--setgid -w|-r X`, `stdbuf -i|-o|-e MODE`, `unshare --propagation|--setgroups X`,
 * `flock -w|-E N`, `setpriv --reuid|--regid|--groups|--inh-caps X`, `su -g|-G|-s|-w X`. With `=` (`--signal=KILL`) the
 * value is part of the option word, which LAUNCHER_ARGUMENT_PATTERN already takes.
 */
export const LAUNCHER_VALUE_OPTION_PATTERN =
  '^(-[ugCDhprtTUsknScePwGErv]|--(signal|kill-after|user|group|chdir|host|prompt|role|type|other-user|command-timeout|unset|adjustment|class|classdata|pid|pgid|uid|cpu-list|userspec|groups|target|setuid|setgid|wd|root|input|output|error|propagation|setgroups|timeout|conflict-exit-code|reuid|regid|ruid|rgid|euid|egid|inh-caps|ambient-caps|bounding-set|securebits|whitelist-environment|shell|supp-group|session-command))$';
/** Options whose value is a whole command line (`su -c 'bash -i'`, `env -S 'sh -i'`, `flock -c CMD`, `sudo -- sh`). */
export const COMMAND_STRING_OPTION_PATTERN = '^(-c|--command|-S|--split-string|--session-command)$';
/** A command line that starts with a shell: `bash -i`, `/bin/sh -c id`. */
export const SHELL_COMMAND_LINE_PATTERN = `^(.*/)?(${SHELLS})( .*)?$`;
/** Programs that open a shell without naming it: `su`, `su -`, `su - root` (unless given -c), `sudo -i`, `sudo -s`, `doas -s`. */
export const SU_PATTERN = '^(.*/)?su$';
export const SUDO_PATTERN = '^(.*/)?(sudo|doas)$';
/** `script` starts the user's shell in a new pty whatever follows. */
export const PTY_SHELL_PATTERN = '^(.*/)?script$';
/** Interpreters that can start a shell from code given on the command line: `python -c 'import pty;pty.spawn("/bin/sh")'`. */
export const INTERPRETER_PATTERN = '^(.*/)?(python[0-9.]*|perl[0-9.]*|ruby[0-9.]*|php[0-9.]*|node|nodejs|lua[0-9.]*|tclsh[0-9.]*|awk|gawk|mawk)$';
/** Code that starts a process (and the shell it names, matched separately). */
export const SPAWN_CODE_PATTERN = '(pty\\.spawn|system|exec|spawn|popen|subprocess|child_process)';
/**
 * A shell named inside code, after a slash, quote, space or parenthesis: `"/bin/sh"`, `'bash'`, `exec bash`. (No
 * backquote: in a Splunk search it calls a macro.)
 */
export const SHELL_IN_CODE_PATTERN = `[/"' (](${SHELLS})(["' );]|$)`;

/** Positions a shell is looked for, after up to MAX_LAUNCH_WORDS - 1 launcher words: `env -i FOO=1 nice -n 5 timeout 9 sh`. */
const MAX_LAUNCH_WORDS = 8;

/** command[i] stands between a launcher and its program: a launcher argument, or the value of the option before it. */
function launcherWord(i: number): Condition {
  const argument: Condition = { field: `object.command[${i}]`, matches: LAUNCHER_ARGUMENT_PATTERN };
  return i < 2 ? argument : { anyOf: [argument, { field: `object.command[${i - 1}]`, matches: LAUNCHER_VALUE_OPTION_PATTERN }] };
}

/** command[at] is a shell, command[0] a launcher and every word between a launcher's argument (at > 0). */
function shellAt(at: number): Condition {
  if (at === 0) return { field: 'object.command[0]', matches: SHELL_COMMAND_PATTERN };
  const between: Condition[] = [];
  for (let i = 1; i < at; i++) between.push(launcherWord(i));
  return { allOf: [{ field: 'object.command[0]', matches: SHELL_LAUNCHER_PATTERN }, ...between, { field: `object.command[${at}]`, matches: SHELL_COMMAND_PATTERN }] };
}

/** A launcher given a whole command line that starts with a shell: `su -c 'bash -i'`, `env -S 'sh -x'`. */
function commandLineShellAt(at: number): Condition {
  return {
    allOf: [
      { field: 'object.command[0]', matches: SHELL_LAUNCHER_PATTERN },
      { field: `object.command[${at - 1}]`, matches: COMMAND_STRING_OPTION_PATTERN },
      { field: `object.command[${at}]`, matches: SHELL_COMMAND_LINE_PATTERN },
    ],
  };
}

/** `su` without a command to run opens the target user's shell; `sudo -i|-s`, `doas -s` open one too. */
const impliedShell: Condition = {
  anyOf: [
    { allOf: [{ field: 'object.command[0]', matches: SU_PATTERN }, { not: { field: 'object.command[*]', matches: COMMAND_STRING_OPTION_PATTERN } }, { not: { field: 'object.command[*]', matches: '^--command=' } }] },
    { allOf: [{ field: 'object.command[0]', matches: SUDO_PATTERN }, { field: 'object.command[*]', in: ['-i', '-s', '--login', '--shell'] }] },
  ],
};

/** An interpreter at command[0] whose code starts a process and names a shell. */
const interpreterShell: Condition = {
  allOf: [
    { field: 'object.command[0]', matches: INTERPRETER_PATTERN },
    { field: 'object.command[*]', matches: SPAWN_CODE_PATTERN },
    { field: 'object.command[*]', matches: SHELL_IN_CODE_PATTERN },
  ],
};

const execOfShell: Condition = {
  allOf: [
    { field: 'request.subResource', equals: 'exec' },
    {
      anyOf: [
        ...Array.from({ length: MAX_LAUNCH_WORDS }, (_, at) => shellAt(at)),
        ...Array.from({ length: MAX_LAUNCH_WORDS - 2 }, (_, i) => commandLineShellAt(i + 2)),
        impliedShell,
        { field: 'object.command[0]', matches: PTY_SHELL_PATTERN },
        interpreterShell,
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
    'A user runs a shell inside a container (`kubectl exec POD -- sh`, `/bin/bash`, `busybox sh`, behind launchers such as ' +
    '`env -i`, `nice`, `timeout`, `chroot`, `setsid`, `stdbuf`, or `script` and interpreters spawning one) or attaches to a ' +
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
