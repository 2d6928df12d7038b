// Refuses an admission body over the limit as soon as that is known (its Content-Length, or its bytes as they arrive), without reading the rest.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A body parser in connect's shape (body-parser's json): fills `req.body`, or calls next with its error. */
export type BodyParser = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** body-parser's own error for a body over the limit, so the same 413 BODY_TOO_LARGE answer applies. */
export function tooLarge(limitBytes: number): Error {
  return Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413, statusCode: 413, expose: true, limit: limitBytes });
}

/**
 * `parse` with an early refusal. body-parser stops buffering at the limit but then reads the whole request before it
 * reports the error (a 64 MiB chunked upload is received to its end, a Content-Length of 1 GiB is waited for). Here
 * the 413 goes out as soon as the declared length or the bytes seen pass the limit, with `Connection: close`: the
 * connection closes after the answer and the rest of the body is never read.
 */
export function refusingOversizedBodies(parse: BodyParser, limitBytes: number): BodyParser {
  return (req, res, next) => {
    let settled = false;
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      req.off('data', count);
      next(error);
    };
    const refuse = () => {
      if (settled) return;
      res.setHeader('Connection', 'close');
      settle(tooLarge(limitBytes));
    };
    let seen = 0;
    // The bytes as sent: a compressed body is held to the limit on the wire here, and inflated by body-parser.
    const count = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limitBytes) refuse();
    };
    if (Number(req.headers['content-length']) > limitBytes) return refuse();
    req.on('data', count);
    parse(req, res, settle);
  };
}
