// Reads one OTLP request body under the decoding budget: inflates it as it streams and stops at the first limit passed.
import type { IncomingMessage } from 'node:http';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';
import { RiskgateError } from '../riskgate-error.js';
import { BudgetCounter, BudgetError } from './decode-budget.js';
import type { DecodeLimits } from './decode-budget.js';
import { OtlpJsonScanner } from './json-metric-scan.js';
import type { JsonLayout } from './json-metric-scan.js';

/** A body that could not be read: the HTTP status to answer and why. */
export class BodyError extends RiskgateError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super('OTLP_BODY', message);
    this.name = 'BodyError';
  }
}

function decompressor(encoding: string): Transform | undefined {
  if (encoding === 'gzip' || encoding === 'x-gzip') return createGunzip();
  if (encoding === 'deflate') return createInflate();
  if (encoding === 'br') return createBrotliDecompress();
  if (encoding === 'identity' || encoding === '') return undefined;
  throw new BodyError(415, `unsupported Content-Encoding ${JSON.stringify(encoding)}: send gzip, deflate, br or none`);
}

export interface BoundedBody {
  bytes: Buffer;
  counter: BudgetCounter;
  /** For JSON: what the scan of the streamed chunks found. */
  layout?: JsonLayout;
}

/**
 * The inflated body, refused (BudgetError) the moment it passes `limits.inflatedBytes` or, for JSON, `limits.values`:
 * a 20 KB gzip of millions of empty objects stops after its first few hundred kilobytes, before anything is parsed.
 * JSON is scanned chunk by chunk as it inflates (OtlpJsonScanner), so its bytes are read once before parsing.
 */
export function readBoundedBody(req: IncomingMessage, json: boolean, limits: Readonly<DecodeLimits>, timeoutMs: number): Promise<BoundedBody> {
  const counter = new BudgetCounter(limits);
  const scanner = json ? new OtlpJsonScanner(counter) : undefined;
  const inflate = decompressor(String(req.headers['content-encoding'] ?? '').trim().toLowerCase());
  const source = inflate ? req.pipe(inflate) : req;
  const chunks: Buffer[] = [];
  let size = 0;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        req.unpipe();
        inflate?.destroy();
        req.resume();
        reject(error);
        return;
      }
      try {
        const layout = scanner?.finish();
        resolve({ bytes: Buffer.concat(chunks, size), counter, ...(layout ? { layout } : {}) });
      } catch (finishError) {
        reject(finishError as Error);
      }
    };
    const timer = setTimeout(() => finish(new BodyError(408, `the body did not arrive within ${timeoutMs / 1000} s`)), timeoutMs);
    source.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      try {
        if (size > limits.inflatedBytes) throw new BudgetError('inflatedBytes', limits.inflatedBytes);
        scanner?.feed(chunk);
      } catch (error) {
        finish(error as Error);
        return;
      }
      chunks.push(chunk);
    });
    source.on('end', () => finish(undefined));
    source.on('error', (error: Error) => finish(new BodyError(400, `the body does not inflate: ${error.message}`)));
    req.on('aborted', () => finish(new BodyError(400, 'the sender closed the connection mid-body')));
  });
}
