import { isUtf8 } from 'node:buffer';
import type Koa from 'koa';
import type { Middleware } from 'koa';
import { koaBody } from 'koa-body';
import { ApiError, badRequest } from './errors';

const BODY_LIMIT = '1mb';

// Read as latin1 (one char per byte) and decoded here: koa-body's UTF-8 decoding would silently
// turn invalid bytes into U+FFFD, and RFC 8259 §8.1 requires UTF-8.
const readBytes = koaBody({
  encoding: 'latin1',
  json: false,
  urlencoded: false,
  text: true,
  textTypes: ['application/json', 'application/*+json'],
  multipart: false,
  patchNode: false,
  textLimit: BODY_LIMIT,
  onError: (error) => {
    const status = (error as { status?: unknown }).status;
    if (status === 413) throw new ApiError(413, 'payload_too_large', 'Request body too large');
    throw new ApiError(400, 'invalid_json', `Request body could not be read: ${error.message}`);
  },
});

/**
 * JSON bodies only (docs/loops-contract.md §1). A POST/PUT to `/api/` or `/_emulator/` that carries a body
 * in any other content type or charset is a 400, never silently read as an empty body.
 */
export function bodyMiddleware(): Middleware {
  return async (ctx, next) => {
    const jsonRoute = ctx.path.startsWith('/api/') || ctx.path.startsWith('/_emulator/');
    if (!jsonRoute || (ctx.method !== 'POST' && ctx.method !== 'PUT')) return next();
    if (hasBody(ctx.get('content-length'), ctx.get('transfer-encoding')) && !ctx.is('application/json', '+json')) {
      throw badRequest('Send the body as JSON with Content-Type: application/json', 'invalid_content_type');
    }
    const charset = ctx.request.charset.toLowerCase();
    if (charset !== '' && charset !== 'utf-8' && charset !== 'utf8') {
      throw badRequest(`JSON bodies must be UTF-8 (got charset=${charset})`, 'invalid_content_type');
    }
    await readBytes(ctx, async () => {});
    const bytes = Buffer.from(typeof ctx.request.body === 'string' ? ctx.request.body : '', 'latin1');
    if (!isUtf8(bytes)) throw badRequest('Request body is not valid UTF-8', 'invalid_json');
    ctx.request.body = parseJsonBody(bytes.toString('utf8'));
    return next();
  };
}

type JsonBody = NonNullable<Koa.Request['body']>;

/** Strict JSON: an object or array (or no body at all). */
function parseJsonBody(text: string): JsonBody {
  if (text.trim() === '') return {};
  let parsed: JsonBody;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw badRequest(`Request body is not valid JSON: ${(error as Error).message}`, 'invalid_json');
  }
  if (typeof parsed !== 'object' || parsed === null) throw badRequest('Request body must be a JSON object', 'invalid_json');
  return parsed;
}

function hasBody(contentLength: string, transferEncoding: string): boolean {
  return (contentLength !== '' && contentLength !== '0') || transferEncoding !== '';
}
