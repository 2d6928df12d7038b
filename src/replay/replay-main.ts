// Runs `riskgate replay`: opens the logs (files, .gz, or stdin), replays them, writes the chosen output and the counts.
import { createReadStream } from 'node:fs';
import { access, constants, readFile } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable, Writable } from 'node:stream';
import { usesNamespaceLabels } from '../engine/namespace-labels.js';
import { defaultPolicy } from '../engine/policy.js';
import type { Policy } from '../engine/policy.js';
import { readPolicyFile } from '../policy/policy-store.js';
import { RiskgateError } from '../riskgate-error.js';
import { RULES } from '../rules/catalog.js';
import type { ReplayInput, ReplayObserver } from './replay-run.js';
import { replay } from './replay-run.js';
import { DEFAULT_MAX_REMEMBERED } from './object-memory.js';
import { NamespaceLabelMemory } from './namespace-label-memory.js';
import { parseManifestText } from '../request/manifest-documents.js';
import { AdmissionNotes } from './admission-notes.js';
import { ReplayTable, tableLines } from './replay-table.js';
import type { LineSink } from './replay-outputs.js';
import { jsonLines, riskEventLines } from './replay-outputs.js';
import { terminalText } from '../outputs/terminal-text.js';
import { ProgressLine } from '../outputs/progress-line.js';

export const REPLAY_OUTPUTS = ['table', 'json', 'risk-events'] as const;
export type ReplayOutput = (typeof REPLAY_OUTPUTS)[number];

export interface ReplayCommandOptions {
  policy?: string;
  output: ReplayOutput;
  /** Stored objects remembered at most (default DEFAULT_MAX_REMEMBERED). */
  maxRemembered?: number;
  /** A file of Namespace objects whose labels are known before the log is read. */
  namespaces?: string;
}

/** Bad records printed one by one before the rest are only counted. */
const MAX_REPORTED = 100;
/** Read size: 1 MiB reads cost ~20 MiB more RSS on a 1 GiB log (freed buffers linger) for no measurable speed. */
const CHUNK = 1 << 18;

function readError(path: string, error: unknown): RiskgateError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code === 'EISDIR') return new RiskgateError('REPLAY_UNREADABLE', `${path}: is a directory, not an audit log (give the files in it)`);
  if (code.startsWith('Z_')) return new RiskgateError('REPLAY_UNREADABLE', `${path}: not a readable gzip file (${(error as Error).message})`);
  return new RiskgateError('REPLAY_UNREADABLE', `${path}: cannot read the audit log (${code || (error as Error).message})`);
}

/** Bytes read so far, for the progress line. */
interface ReadCount {
  bytes: number;
  file: string;
}

/** The chunks of a stream; a read or gunzip error ends the replay with an error naming the file, not a stack trace. */
async function* chunksOf(path: string, stream: Readable, count?: ReadCount): AsyncGenerator<Buffer | string> {
  try {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      if (count) {
        count.bytes += chunk.length;
        count.file = path;
      }
      yield chunk;
    }
  } catch (error) {
    throw readError(path, error);
  }
}

async function openInput(path: string, stdin: Readable, count: ReadCount): Promise<ReplayInput> {
  if (path === '-') return { name: '-', chunks: chunksOf('-', stdin, count) };
  try {
    await access(path, constants.R_OK);
  } catch (error) {
    throw readError(path, error);
  }
  const file = createReadStream(path, { highWaterMark: CHUNK });
  if (!path.endsWith('.gz')) return { name: path, chunks: chunksOf(path, file, count) };
  const gunzip = createGunzip({ chunkSize: CHUNK });
  // pipe() does not forward the source's errors (EISDIR, EIO): hand them to the gunzip stream being read.
  file.on('error', (error) => gunzip.destroy(error));
  return { name: path, chunks: chunksOf(path, file.pipe(gunzip), count) };
}

/** Writes lines through a stream, waiting for 'drain' when its buffer is full, in 64 KiB batches. */
function lineSink(out: Writable): { sink: LineSink; flush: () => Promise<void> } {
  let buffer = '';
  const flush = async () => {
    if (buffer === '') return;
    const text = buffer;
    buffer = '';
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', resolve));
  };
  return {
    sink: (line) => {
      buffer += `${line}\n`;
      return buffer.length >= 1 << 16 ? flush() : undefined;
    },
    flush,
  };
}

/** The summary's note when the memory of stored objects ran full: later patches of the dropped objects were judged without them. */
function evictedNote(evicted: number, cap: number): string {
  return evicted > 0 ? `; ${evicted} stored objects forgotten past --max-remembered ${cap} (their later patches judged without the old object)` : '';
}

/**
 * The namespace-label memory, when the policy has namespaceLabels exemptions or --namespaces is given: seeded from the
 * file's Namespace objects (a List, or several documents), then fed by the log.
 */
async function namespaceMemory(policy: Policy, file: string | undefined): Promise<NamespaceLabelMemory | undefined> {
  if (file === undefined) return usesNamespaceLabels(policy) ? new NamespaceLabelMemory() : undefined;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new RiskgateError('REPLAY_NAMESPACES_UNREADABLE', `--namespaces ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const parsed = parseManifestText(text);
  const problem = parsed.problems[0];
  if (problem) throw new RiskgateError('REPLAY_NAMESPACES_UNREADABLE', `--namespaces ${file}:${problem.line}: ${problem.message}`);
  const memory = new NamespaceLabelMemory();
  const other = parsed.objects.find((item) => !memory.remember(item.object));
  if (other) throw new RiskgateError('REPLAY_NAMESPACES_UNREADABLE', `--namespaces ${file}:${other.line}: ${terminalText(String(other.object['kind']))} is not a Namespace (give kubectl get namespaces -o yaml)`);
  return memory;
}

function loadPolicy(file: string | undefined): Policy {
  return file ? readPolicyFile(file, RULES).policy : defaultPolicy(RULES);
}

/** Returns the exit code: 0 after a replay (bad records are reported and skipped), 1 when an input or the policy cannot be read. */
export async function runReplay(paths: readonly string[], options: ReplayCommandOptions, io: { stdin: Readable; stdout: Writable; stderr: Writable }): Promise<number> {
  const policy = loadPolicy(options.policy);
  const read: ReadCount = { bytes: 0, file: '' };
  const inputs: ReplayInput[] = [];
  for (const path of paths) inputs.push(await openInput(path, io.stdin, read));
  const progress = new ProgressLine(io.stderr);
  const mib = (n: number) => (n / 1048576).toFixed(1);
  const { sink, flush } = lineSink(io.stdout);
  const table = options.output === 'table' ? { rows: new ReplayTable(RULES, policy), notes: new AdmissionNotes() } : undefined;
  const output: ReplayObserver = table
    ? {
        request(replayed) {
          table.rows.request(replayed);
          table.notes.request(replayed);
        },
      }
    : options.output === 'json'
      ? jsonLines(sink)
      : riskEventLines(sink);
  let requests = 0;
  const observer: ReplayObserver = {
    request(replayed) {
      requests += 1;
      progress.update(() => `riskgate replay: ${mib(read.bytes)} MiB read, ${requests} requests evaluated (${terminalText(read.file)})…`);
      return output.request(replayed);
    },
  };
  let reported = 0;
  const maxRemembered = options.maxRemembered ?? DEFAULT_MAX_REMEMBERED;
  const namespaces = await namespaceMemory(policy, options.namespaces);
  const counts = await replay(inputs, {
    rules: RULES,
    policy,
    ...(namespaces ? { namespaces } : {}),
    observer,
    maxRemembered,
    onBadRecord: (where, message) => {
      if (++reported <= MAX_REPORTED) io.stderr.write(`riskgate replay: ${terminalText(`${where}: ${message}`)}; skipped\n`);
    },
  });
  progress.done();
  if (table) {
    for (const line of tableLines(table.rows.results())) await sink(line);
    for (const line of table.notes.lines()) await sink(line);
  }
  await flush();
  if (reported > MAX_REPORTED) io.stderr.write(`riskgate replay: ${reported - MAX_REPORTED} more bad records not shown\n`);
  io.stderr.write(
    `riskgate replay: ${counts.records} records, ${counts.events} audit events, ${counts.requests} requests evaluated, ` +
      `${counts.findings} findings; ${counts.skipped} skipped${evictedNote(counts.evicted, maxRemembered)}\n`,
  );
  return 0;
}
