// Parses many manifest texts on worker threads: YAML parsing is most of a large check's time (10,000 files).
import { availableParallelism, loadavg } from 'node:os';
import { parseManifestText } from '../request/manifest-documents.js';
import type { ParsedManifest } from '../request/manifest-documents.js';
import type { ManifestInput, ParsedInput } from './check-run.js';

/** Below this many files per thread, starting a worker (≈ 40 ms) costs more than it saves. */
export const MIN_FILES_PER_THREAD = 500;
const MAX_THREADS = 4;

/** Splits texts into `parts` contiguous chunks of about equal total length. */
function chunks(texts: string[], parts: number): string[][] {
  const total = texts.reduce((n, t) => n + t.length, 0);
  const out: string[][] = [[]];
  let size = 0;
  for (const text of texts) {
    if (size >= (total / parts) * out.length && out.length < parts) out.push([]);
    out[out.length - 1]!.push(text);
    size += text.length;
  }
  return out;
}

async function parseOnWorker(texts: string[]): Promise<ParsedManifest[]> {
  const { Worker } = await import('node:worker_threads');
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./parse-worker.js', import.meta.url), { workerData: texts });
    let done = false;
    worker.once('message', (result: ParsedManifest[]) => {
      done = true;
      resolve(result);
    });
    // A worker that cannot start or dies leaves its share to this thread: slower, never wrong.
    worker.once('error', () => !done && ((done = true), resolve(texts.map(parseManifestText))));
    worker.once('exit', () => !done && ((done = true), resolve(texts.map(parseManifestText))));
  });
}

/**
 * Threads worth using: one per MIN_FILES_PER_THREAD files, at most MAX_THREADS, and only cores that are idle (the
 * 1-minute load average): on a busy CI runner a worker competes with this thread and makes the check slower.
 */
export function threadsFor(files: number, cores = availableParallelism(), load = loadavg()[0] ?? 0): number {
  const idle = Math.floor(cores - load);
  return Math.max(1, Math.min(MAX_THREADS, 1 + Math.max(0, idle), Math.floor(files / MIN_FILES_PER_THREAD)));
}

/** Same result as parseInputs (check-run.ts), in the same order; this thread parses the first chunk while workers parse the rest. */
export async function parseInputsInParallel(inputs: readonly ManifestInput[], threads = threadsFor(inputs.length)): Promise<ParsedInput[]> {
  const texts = inputs.flatMap((input) => ('error' in input ? [] : [input.text]));
  const parts = chunks(texts, threads);
  const pending = parts.slice(1).map(parseOnWorker);
  const parsed = [parts[0]!.map(parseManifestText), ...(await Promise.all(pending))].flat();
  let next = 0;
  return inputs.map((input) => ('error' in input ? input : { file: input.file, parsed: parsed[next++]! }));
}
