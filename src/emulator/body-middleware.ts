import type { Middleware } from 'koa';
import { koaBody } from 'koa-body';
import { ApiError, badRequest } from './errors';

const parseJson = koaBody({
  json: true,
  jsonStrict: true,
  urlencoded: false,
  text: false,
  multipart: false,
  patchNode: false,
  jsonLimit: '1mb',
  onError: (error) => {
    const status = (error as { status?: unknown }).status;
    if (status === 413) throw new ApiError(413, 'payload_too_large', 'Request body too large');
    throw new ApiError(400, 'invalid_json', `Request body is not valid JSON: ${error.message}`);
  },
});

/**
 * JSON bodies only (loops-api.md §1). A POST/PUT to `/api/` or `/_emulator/` that carries a body
 * in any other content type is a 400, never silently read as an empty body.
 */
export function bodyMiddleware(): Middleware {
  return async (ctx, next) => {
    const jsonRoute = ctx.path.startsWith('/api/') || ctx.path.startsWith('/_emulator/');
    if (!jsonRoute || (ctx.method !== 'POST' && ctx.method !== 'PUT')) return next();
    if (hasBody(ctx.get('content-length'), ctx.get('transfer-encoding')) && !ctx.is('application/json', '+json')) {
      throw badRequest('Send the body as JSON with Content-Type: application/json', 'invalid_content_type');
    }
    return parseJson(ctx, next);
  };
}

function hasBody(contentLength: string, transferEncoding: string): boolean {
  return (contentLength !== '' && contentLength !== '0') || transferEncoding !== '';
}
