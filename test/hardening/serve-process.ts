// Fault-drill harness: `riskgate serve` as a real child process (the built CLI over TLS), its JSON log lines captured and its port read from them.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LogCapture } from '../webhook/tls-harness.js';
import type { TestPki } from '../webhook/tls-harness.js';

export const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli', 'main.js');

/** How long `serve` may take to listen: importing its dependencies takes seconds on a busy 2-core machine. */
const START_TIMEOUT_MS = 30_000;

export interface ServeFiles {
  cert: string;
  key: string;
  ca: string;
  policy: string;
  dataDir: string;
  /** --tls-cert, --tls-key, --policy and --data-dir for these files. */
  args: string[];
}

/** Writes the serving certificate, its CA and a policy into `dir` for a `serve` child. */
export function writeServeFiles(dir: string, pki: TestPki, policyText: string): ServeFiles {
  const files = { cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key'), ca: join(dir, 'ca.crt'), policy: join(dir, 'policy.yaml'), dataDir: join(dir, 'data') };
  writeFileSync(files.cert, pki.serving.cert);
  writeFileSync(files.key, pki.serving.key);
  writeFileSync(files.ca, pki.ca.cert);
  writeFileSync(files.policy, policyText);
  return { ...files, args: ['--tls-cert', files.cert, '--tls-key', files.key, '--policy', files.policy, '--data-dir', files.dataDir] };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServeProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  logs: LogCapture;
  /** What the process wrote to stderr so far. */
  stderr(): string;
  exited: Promise<Exit>;
  /** The port of a `<name> listening` line (e.g. `metrics listening`), read from its url. */
  portOf(listeningMessage: string): number;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<Exit>;
}

export interface SpawnOptions {
  /** Soft RLIMIT_FSIZE in 512-byte blocks (`ulimit -S -f`): writes past it fail with EFBIG, as on a full disk. */
  fileSizeBlocks?: number;
}

/** Splits a stream into lines and hands each complete JSON line to the capture. */
function captureLines(stream: NodeJS.ReadableStream, logs: LogCapture): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const end = pending.lastIndexOf('\n');
    if (end === -1) return;
    logs.write(pending.slice(0, end + 1));
    pending = pending.slice(end + 1);
  });
}

function command(args: readonly string[], options: SpawnOptions): { file: string; argv: string[] } {
  const node = [CLI, 'serve', '--host', '127.0.0.1', '--port', '0', ...args];
  if (options.fileSizeBlocks === undefined) return { file: process.execPath, argv: node };
  // sh applies the limit to itself, then exec keeps the pid (and the limit) for node; Node ignores SIGXFSZ, so writes get EFBIG.
  return { file: '/bin/sh', argv: ['-c', `ulimit -S -f ${options.fileSizeBlocks} && exec "$0" "$@"`, process.execPath, ...node] };
}

const started = new Set<ServeProcess>();

/** Stops every serve process a drill started (its afterEach: also after a failed or timed-out test). */
export async function stopAllServes(): Promise<void> {
  await Promise.all([...started].map((serve) => serve.stop()));
  started.clear();
}

/** Starts `node dist/cli/main.js serve --host 127.0.0.1 --port 0 ARGS` and resolves once it listens. */
export async function spawnServe(args: readonly string[], options: SpawnOptions = {}): Promise<ServeProcess> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const { file, argv } = command(args, options);
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs = new LogCapture();
  let stderr = '';
  captureLines(child.stdout!, logs);
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const listening = logs.waitFor('riskgate webhook listening', {}, 0);
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`serve did not listen within ${START_TIMEOUT_MS} ms; stderr: ${stderr}`)), START_TIMEOUT_MS).unref());
  const early = exited.then((exit) => Promise.reject(new Error(`serve exited before listening (${JSON.stringify(exit)}): ${stderr}`)));
  let line: Record<string, unknown>;
  try {
    line = await Promise.race([listening, timeout, early]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const portOf = (message: string): number => {
    const found = logs.lines.find((l) => l['msg'] === message);
    if (!found) throw new Error(`serve logged no "${message}" line`);
    return Number(new URL(String(found['url'])).port);
  };
  const stop = async (graceMs = 20_000): Promise<Exit> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      kill.unref();
      const exit = await exited;
      clearTimeout(kill);
      return exit;
    }
    return exited;
  };
  const serve: ServeProcess = { child, pid: child.pid!, port: Number(new URL(String(line['url'])).port), logs, stderr: () => stderr, exited, portOf, stop };
  started.add(serve);
  return serve;
}
