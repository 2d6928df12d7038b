// Writes a JSON answer on a plain node:http response, byte for byte what express's res.json writes (type, length, body).
import type { ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  // The flat list form: with no header set before (the usual answer), node writes it without building a headers object.
  res.writeHead(status, ['Content-Type', 'application/json; charset=utf-8', 'Content-Length', String(Buffer.byteLength(text))]);
  res.end(text);
}
