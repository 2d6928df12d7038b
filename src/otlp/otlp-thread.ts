// Runs the OTLP receiver on a worker thread with its own heap: a hostile body costs that thread, never the webhook's event loop.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { MetricPoint } from '../signals/metric-points.js';
import type { OtlpBatchSummary, OtlpRefusal } from './otlp-app.js';
import { startReceiverServer } from './otlp-receiver.js';
import type { OtlpReceiverConfig } from './otlp-receiver.js';
import type { FromWorker, ToWorker } from './otlp-worker-messages.js';

/** The worker's heap: a decoded batch within the budget needs far less; past it the worker dies and is restarted, not the process. */
export const OTLP_WORKER_HEAP_MB = 96;
const RESTART_DELAY_MS = 1_000;

export interface OtlpThread {
  address: AddressInfo;
  /** Where the receiver runs: a worker thread, or this thread when the compiled worker file is absent (tests from source). */
  mode: 'worker' | 'inline';
  setReady(value: boolean): void;
  close(): Promise<void>;
}

/** Runs one batch of points (on this thread) and says what it came to. */
export type IngestPoints = (points: MetricPoint[], receivedAt: Date) => OtlpBatchSummary;

const WORKER_FILE = new URL('./otlp-worker.js', import.meta.url);

const summaryOf = (batch: OtlpBatchSummary): OtlpBatchSummary => ({ points: batch.points, incomplete: batch.incomplete, ahead: batch.ahead, findings: { length: batch.findings.length } });

/** Each OTLP request the receiver turned away, whichever thread it runs on. */
export type OnRefused = (reason: OtlpRefusal) => void;

export async function startOtlpThread(config: OtlpReceiverConfig, ingest: IngestPoints, logger: Logger, onRefused: OnRefused = () => {}): Promise<OtlpThread> {
  if (!existsSync(fileURLToPath(WORKER_FILE))) return startInline(config, ingest, logger, onRefused);
  const host = new WorkerHost(config, ingest, logger, onRefused);
  const address = await host.start(config.port);
  return { address, mode: 'worker', setReady: (value) => host.setReady(value), close: () => host.close() };
}

async function startInline(config: OtlpReceiverConfig, ingest: IngestPoints, logger: Logger, onRefused: OnRefused): Promise<OtlpThread> {
  let ready = false;
  const server = await startReceiverServer(config, {
    ingestPoints: async (points, receivedMs) => summaryOf(ingest(points, new Date(receivedMs))),
    logger,
    ready: () => ready,
    onRefused,
  });
  return { address: server.address, mode: 'inline', setReady: (value) => (ready = value), close: () => server.close() };
}

/** One worker at a time; one that dies (out of its heap, a bug) is logged at ERROR and replaced on the same port. */
class WorkerHost {
  private worker: Worker | undefined;
  private ready = false;
  private closing = false;

  constructor(
    private readonly config: OtlpReceiverConfig,
    private readonly ingest: IngestPoints,
    private readonly logger: Logger,
    private readonly onRefused: OnRefused,
  ) {}

  start(port: number): Promise<AddressInfo> {
    const worker = new Worker(WORKER_FILE, { workerData: { ...this.config, port }, resourceLimits: { maxOldGenerationSizeMb: OTLP_WORKER_HEAP_MB } });
    this.worker = worker;
    return new Promise((resolve, reject) => {
      let started = false;
      worker.on('message', (message: FromWorker) => {
        if (message.kind === 'listening') {
          started = true;
          worker.postMessage({ kind: 'ready', value: this.ready } satisfies ToWorker);
          resolve(message.address);
        } else if (message.kind === 'listen-failed') reject(Object.assign(new Error(message.message), { code: message.message }));
        else this.handle(worker, message);
      });
      worker.on('error', (error) => this.logger.error({ reason: error.message }, 'OTLP receiver thread failed'));
      worker.on('exit', (code) => {
        if (!started) reject(new Error(`the OTLP receiver thread exited (${code})`));
        else if (!this.closing && this.worker === worker) this.restart(port, code);
      });
    });
  }

  private restart(port: number, code: number): void {
    this.logger.error({ exitCode: code, port }, 'OTLP receiver thread stopped (a body past its heap?): starting a new one');
    setTimeout(() => {
      if (this.closing) return;
      this.start(port).catch((error: unknown) => this.logger.error({ reason: String(error) }, 'OTLP receiver thread could not restart'));
    }, RESTART_DELAY_MS).unref();
  }

  private handle(worker: Worker, message: FromWorker): void {
    if (message.kind === 'log') this.logger[message.level](message.fields, message.message);
    else if (message.kind === 'refused') this.onRefused(message.reason);
    else if (message.kind === 'batch') {
      let reply: ToWorker;
      try {
        reply = { kind: 'result', id: message.id, summary: summaryOf(this.ingest(message.points, new Date(message.receivedMs))) };
      } catch (error) {
        reply = { kind: 'failed', id: message.id, message: (error as Error).message };
      }
      worker.postMessage(reply);
    }
  }

  setReady(value: boolean): void {
    this.ready = value;
    this.worker?.postMessage({ kind: 'ready', value } satisfies ToWorker);
  }

  async close(): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    if (!worker) return;
    await new Promise<void>((done) => {
      const timer = setTimeout(() => void worker.terminate().then(() => done()), 5_000);
      worker.once('exit', () => (clearTimeout(timer), done()));
      worker.postMessage({ kind: 'close' } satisfies ToWorker);
    });
  }
}
