// e2e harness: a child process whose output goes to a log file, that reports an early exit and is stopped by pid.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';

export interface RunningProcess {
  pid: number;
  logFile: string;
  /** Why the process cannot be waited on any more (it exited), else undefined. */
  failure(): string | undefined;
  /** SIGTERM, then SIGKILL after graceMs; resolves with the exit code (null when killed by a signal). */
  stop(graceMs?: number): Promise<number | null>;
  exited: Promise<number | null>;
}

const live = new Set<number>();
process.on('exit', () => {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

export function startProcess(name: string, command: string, args: string[], options: { cwd: string; logFile: string; env?: NodeJS.ProcessEnv }): RunningProcess {
  const fd = openSync(options.logFile, 'a');
  const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', fd, fd], env: options.env ?? process.env });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const pid = child.pid;
  live.add(pid);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      live.delete(pid);
      exitCode = code;
      resolve(code);
    });
  });
  return {
    pid,
    logFile: options.logFile,
    exited,
    failure: () => (exitCode === undefined ? undefined : `${name} exited with ${exitCode}:\n${tail(options.logFile)}`),
    async stop(graceMs = 10_000) {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
