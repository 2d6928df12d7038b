// Worker thread of the OTLP receiver: authenticates, reads and decodes bodies off the main thread, posts only the points.
import { parentPort, workerData } from 'node:worker_threads';
import type { MetricPoint } from '../signals/metric-points.js';
import type { OtlpBatchSummary, OtlpLogger } from './otlp-app.js';
import { startReceiverServer } from './otlp-receiver.js';
import type { OtlpReceiverConfig } from './otlp-receiver.js';
import type { OtlpServer } from './otlp-server.js';
import type { FromWorker, LogLevel, ToWorker } from './otlp-worker-messages.js';

const port = parentPort!;
const post = (message: FromWorker) => port.postMessage(message);
const log = (level: LogLevel) => (fields: object, message: string) => post({ kind: 'log', level, fields, message });
const logger: OtlpLogger = { debug: log('debug'), warn: log('warn'), error: log('error') };

let ready = false;
let nextId = 0;
let server: OtlpServer | undefined;
const waiting = new Map<number, { resolve(summary: OtlpBatchSummary): void; reject(error: Error): void }>();

function ingestPoints(points: MetricPoint[], receivedMs: number): Promise<OtlpBatchSummary> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    post({ kind: 'batch', id, points, receivedMs });
  });
}

port.on('message', (message: ToWorker) => {
  if (message.kind === 'ready') ready = message.value;
  else if (message.kind === 'close') void server?.close().then(() => (post({ kind: 'closed' }), port.close()));
  else {
    const pending = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.kind === 'result') pending?.resolve(message.summary);
    else pending?.reject(new Error(message.message));
  }
});

startReceiverServer(workerData as OtlpReceiverConfig, { ingestPoints, logger, ready: () => ready, onRefused: (reason) => post({ kind: 'refused', reason }) }).then(
  (started) => {
    server = started;
    post({ kind: 'listening', address: started.address });
  },
  (error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    post({ kind: 'listen-failed', message: code ?? (error as Error).message });
    port.close();
  },
);
