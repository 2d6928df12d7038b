// The messages between the OTLP receiver's worker thread and the thread that runs the detectors and sinks.
import type { AddressInfo } from 'node:net';
import type { MetricPoint } from '../signals/metric-points.js';
import type { OtlpBatchSummary, OtlpRefusal } from './otlp-app.js';

export type LogLevel = 'debug' | 'warn' | 'error';

export type FromWorker =
  | { kind: 'listening'; address: AddressInfo }
  | { kind: 'listen-failed'; message: string }
  | { kind: 'batch'; id: number; points: MetricPoint[]; receivedMs: number }
  | { kind: 'log'; level: LogLevel; fields: object; message: string }
  | { kind: 'refused'; reason: OtlpRefusal }
  | { kind: 'closed' };

export type ToWorker =
  | { kind: 'ready'; value: boolean }
  | { kind: 'result'; id: number; summary: OtlpBatchSummary }
  | { kind: 'failed'; id: number; message: string }
  | { kind: 'close' };
