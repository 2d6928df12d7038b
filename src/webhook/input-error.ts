// Bad-input answers of the webhook: an HTTP status and `{ "error": { code, message, field } }`, never a stack trace.
import { DecodeError } from '../request/decode-error.js';

export interface InputRejection {
  status: number;
  code: string;
  message: string;
  /** The JSON field (e.g. `request.uid`), `body`, or the header at fault. */
  field: string;
  path: string;
}

export interface ErrorBody {
  error: { code: string; message: string; field: string };
}

export function errorBody({ code, message, field }: InputRejection): ErrorBody {
  return { error: { code, message, field } };
}

export function rejectionOfDecodeError(error: DecodeError, path: string): InputRejection {
  return { status: 400, code: error.code, message: error.message, field: error.where || 'body', path };
}

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
  message?: string;
}

/** body-parser's errors (express.json) as rejections; anything else is not an input error. */
export function rejectionOfParserError(error: unknown, path: string): InputRejection | undefined {
  if (typeof error !== 'object' || error === null || typeof (error as BodyParserError).type !== 'string') return undefined;
  const e = error as BodyParserError;
  switch (e.type) {
    case 'entity.too.large':
      return { status: 413, code: 'BODY_TOO_LARGE', message: `body is larger than the limit of ${e.limit ?? '?'} bytes`, field: 'body', path };
    case 'entity.parse.failed':
      return { status: 400, code: 'BODY_NOT_JSON', message: `body is not a JSON object: ${firstLine(e.message)}`, field: 'body', path };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, code: 'BODY_ENCODING_UNSUPPORTED', message: firstLine(e.message), field: 'headers.content-encoding', path };
    default:
      return { status: 400, code: 'BODY_UNREADABLE', message: firstLine(e.message), field: 'body', path };
  }
}

export function unsupportedContentType(contentType: string | undefined, path: string): InputRejection {
  return {
    status: 400,
    code: 'UNSUPPORTED_CONTENT_TYPE',
    message: `Content-Type must be application/json (got ${contentType ? JSON.stringify(contentType) : 'none'})`,
    field: 'headers.content-type',
    path,
  };
}

export function emptyBody(path: string): InputRejection {
  return { status: 400, code: 'BODY_EMPTY', message: 'body is empty: expected an AdmissionReview', field: 'body', path };
}

export function isDecodeError(error: unknown): error is DecodeError {
  return error instanceof DecodeError;
}

function firstLine(text: string | undefined): string {
  return (text ?? 'unreadable body').split('\n')[0]!.slice(0, 200);
}
