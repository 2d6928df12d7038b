// Reads an admission body for both routes: plain UTF-8 JSON (what the API server sends) collected and parsed here, compressed or other-charset bodies through body-parser.
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import { refusingOversizedBodies, tooLarge } from './body-limit.js';
import type { BodyParser } from './body-limit.js';

/** Size of the body read, kept on the response (an empty body is refused before any review). */
const BODY_BYTES = Symbol('riskgate.bodyBytes');
type Sized = ServerResponse & { [BODY_BYTES]?: number };

function recordBytes(res: ServerResponse, bytes: number): void {
  (res as Sized)[BODY_BYTES] = bytes;
}

export function bodyBytesOf(res: ServerResponse): number {
  return (res as Sized)[BODY_BYTES] ?? 0;
}

const CHARSET = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;

/** No Content-Encoding (or identity) and UTF-8 (the JSON default): the bytes are the text. */
function isPlainUtf8(req: IncomingMessage): boolean {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
  const charset = CHARSET.exec(req.headers['content-type'] ?? '');
  return charset === null || (charset[1] ?? charset[2] ?? '').toLowerCase() === 'utf-8';
}

/** An error in body-parser's shape (a `type`), so both readers' failures get the same rejections. */
function bodyError(type: string, message: string): Error {
  return Object.assign(new Error(message), { type, status: 400, expose: true });
}

function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** Only an object or an array is accepted, as body-parser's strict mode does: `"text"` or `5` is not a review. */
export function parseStrictJson(text: string): unknown {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte order mark is not part of the text
  let first = start;
  while (first < text.length && isJsonSpace(text.charCodeAt(first))) first++;
  const char = text[first];
  if (char !== '{' && char !== '[') {
    const found = char === undefined ? 'only white space' : `${JSON.stringify(char)} at position ${first - start}`;
    throw bodyError('entity.parse.failed', `expected a JSON object or array, found ${found}`);
  }
  try {
    return JSON.parse(start === 0 ? text : text.slice(start));
  } catch (error) {
    throw bodyError('entity.parse.failed', (error as Error).message);
  }
}

/**
 * Collects the body up to `limitBytes` and parses it into `req.body`. Over the limit (declared or as the bytes arrive)
 * the 413 goes out at once with `Connection: close` and the rest is never read, as with refusingOversizedBodies.
 */
function plainJsonReader(limitBytes: number): BodyParser {
  return (req, res, next) => {
    if (Number(req.headers['content-length']) > limitBytes) {
      res.setHeader('Connection', 'close');
      return next(tooLarge(limitBytes));
    }
    const chunks: Buffer[] = [];
    let seen = 0;
    let settled = false;
    // Settled once; the listeners stay (a late chunk or error after the answer is dropped here, not thrown).
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      next(error);
    };
    const onData = (chunk: Buffer) => {
      if (settled) return;
      seen += chunk.length;
      if (seen <= limitBytes) return void chunks.push(chunk);
      res.setHeader('Connection', 'close');
      settle(tooLarge(limitBytes));
    };
    const onEnd = () => {
      if (settled) return;
      recordBytes(res, seen);
      if (seen === 0) return settle();
      const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, seen);
      try {
        (req as IncomingMessage & { body?: unknown }).body = parseStrictJson(bytes.toString('utf8'));
      } catch (error) {
        return settle(error);
      }
      settle();
    };
    const onError = (error: Error) => settle(bodyError('request.aborted', error.message));
    const onAborted = () => settle(bodyError('request.aborted', 'request aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  };
}

/** body-parser's JSON parser, for what the plain reader leaves: compressed bodies (inflated within the limit), UTF-16… */
function bodyParserReader(limitBytes: number): BodyParser {
  const json = express.json({
    limit: limitBytes,
    type: () => true,
    strict: true,
    verify: (_req, res, buf) => {
      recordBytes(res, buf.length);
    },
  }) as unknown as BodyParser;
  return refusingOversizedBodies(json, limitBytes);
}

/** The one JSON reader of the three admission paths (3 MiB by default), for express routes and plain requests alike. */
export function admissionBodyReader(limitBytes: number): BodyParser {
  const plain = plainJsonReader(limitBytes);
  const other = bodyParserReader(limitBytes);
  return (req, res, next) => (isPlainUtf8(req) ? plain(req, res, next) : other(req, res, next));
}
