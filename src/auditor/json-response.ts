// Sends JSON, gzipped when the client accepts it and the body is large (a peer's whole memory is several MiB of text).
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Request, Response } from 'express';

const GZIP_FROM_BYTES = 32 * 1024;
const gzipAsync = promisify(gzip);

export async function sendJson(req: Request, res: Response, body: unknown, status = 200): Promise<void> {
  const text = JSON.stringify(body);
  res.status(status).type('json').vary('accept-encoding');
  if (text.length < GZIP_FROM_BYTES || !/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
    res.send(text);
    return;
  }
  res.set('content-encoding', 'gzip').send(await gzipAsync(text, { level: 4 }));
}
