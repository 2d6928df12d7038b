// Test support: runs a console block's commands verbatim, in order, in one bash from the repository root, and splits what each printed.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { REPO } from '../check/cli-run.js';
import type { ConsoleCommand } from './markdown-pages.js';

export interface CommandRun {
  command: string;
  /** stdout and stderr as a terminal shows them, one string per line, trailing blanks dropped. */
  printed: string[];
}

/** Until the webhook of `npm start` (or `riskgate serve`) answers on localhost:8443, as a reader would wait for its log line. */
const WAIT_FOR_WEBHOOK = 'for _ in $(seq 1 300); do curl -skf -o /dev/null https://localhost:8443/readyz && break; sleep 0.1; done';

/** The environment a reader's terminal is assumed to have: no colour, no TTY, a stable width and locale. */
const ENV = { NO_COLOR: '1', TERM: 'dumb', COLUMNS: '120', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };

/**
 * One bash runs the block (so `cd`, variables, `&` jobs and `echo $?` carry from one command to the next, as in a
 * terminal); a marker line between commands splits the output, and `$?` is restored after it. What a command prints
 * is its stdout, then its stderr. Background jobs the block started are killed when it ends.
 */
export function runConsole(commands: readonly ConsoleCommand[], timeoutMs: number, background?: string): Promise<CommandRun[]> {
  const marker = `@@riskgate-docs-${randomBytes(6).toString('hex')}@@`;
  const script = [
    'exec 2>&1',
    '__err=$(mktemp)',
    "trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -f \"$__err\"' EXIT",
    ...(background ? [`(${background}) > /dev/null 2>&1 &`, WAIT_FOR_WEBHOOK] : []),
    // Each command's stderr comes after its stdout: the order two pipes reach a terminal in is not fixed.
    ...commands.flatMap((c) => [`__rc=$?; printf '%s\\n' '${marker}'; (exit $__rc)`, `{ ${c.command}\n} 2>"$__err"; __rc=$?; cat "$__err"; : > "$__err"; (exit $__rc)`]),
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--norc', '--noprofile', '-c', script], { cwd: REPO, env: { ...process.env, ...ENV }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      reject(new Error(`the block did not finish within ${timeoutMs / 1000} s; printed so far:\n${out}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      try {
        process.kill(-child.pid!, 'SIGTERM'); // what a background command left behind (npm's own child)
      } catch {
        // the group is gone
      }
      const parts = out.split(`${marker}\n`).slice(1);
      resolve(commands.map((c, i) => ({ command: c.command, printed: linesOf(parts[i] ?? '') })));
    });
  });
}

function linesOf(text: string): string[] {
  const lines = text.split('\n').map((l) => l.replace(/\s+$/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Whether printed lines are what the page shows. The page may write `…` for text that changes from run to run: inside a
 * line it stands for any characters, and a line holding only `…` for any number of lines (none included).
 */
export function matchesShown(shown: readonly string[], printed: readonly string[]): boolean {
  const want = shown.map((l) => l.replace(/\s+$/, ''));
  const memo = new Map<string, boolean>();
  const match = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === want.length) result = j === printed.length;
    else if (want[i] === '…') result = match(i + 1, j) || (j < printed.length && match(i, j + 1));
    else result = j < printed.length && lineMatches(want[i]!, printed[j]!) && match(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return match(0, 0);
}

function lineMatches(shown: string, printed: string): boolean {
  if (!shown.includes('…')) return shown === printed;
  const pattern = shown
    .split('…')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`).test(printed);
}
