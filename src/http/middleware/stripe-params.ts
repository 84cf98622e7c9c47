import { isUtf8 } from 'node:buffer';
import { koaBody } from 'koa-body';
import type { Context, Middleware } from 'koa';
import { GatewayError } from '../../errors';
import { mergeParamBags } from '../../stripe/params/param-bag';
import { parseForm } from '../../stripe/params/parse-form';
import { parseJson } from '../../stripe/params/parse-json';
import type { GatewayState } from '../gateway-state';
import { BODY_LIMIT, readRawBody, withinBodyDeadline } from '../read-raw-body';

/** Bodies of other media types, and of other methods, are not read: they carry no parameters. */
const TEXT_TYPES = ['application/x-www-form-urlencoded', 'application/json', 'application/*+json', 'text/*'];
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const NO_BODY = Buffer.alloc(0);

/**
 * Stripe requests carry parameters in the query string and the body, read as one bag
 * (docs/stripe-checkout-contract.md §2.1). Bodies arrive as raw text; the gateway decodes them itself, so form
 * and JSON share one set of rules and limits. A body must arrive within `bodyTimeoutMs`.
 */
export function stripeParams(bodyTimeoutMs: number): Middleware<GatewayState> {
  const readEncodedBody = koaBody({
    // One char per byte: UTF-8 is checked on the bytes below, not on text a decoder repaired.
    encoding: 'latin1',
    multipart: false,
    urlencoded: false,
    json: false,
    text: true,
    textLimit: BODY_LIMIT,
    textTypes: TEXT_TYPES,
  });
  return async (ctx, next) => {
    const bytes = await readBody(ctx, readEncodedBody, bodyTimeoutMs);
    if (!isUtf8(bytes)) throw new GatewayError('malformed_body', 'Invalid request: the body is not valid UTF-8.');
    const raw = bytes.toString('utf8');
    // Anything that is not JSON is read as a form, as Stripe's server does; a plain check of the
    // media type is enough here and cheaper than content negotiation on every request.
    const body = isJson(ctx.get('content-type')) ? parseJson(raw) : parseForm(raw);
    ctx.state.params = mergeParamBags(parseForm(ctx.querystring), body);
    await next();
  };
}

/**
 * The body's bytes, read when koa-body would read it (a body method, one of TEXT_TYPES). A body
 * without Content-Encoding, every client's, is read straight into a Buffer with raw-body (the
 * same reader, length check and limit as koa-body's), skipping koa-body's per-request option
 * handling and its decode to text and back. An encoded body goes through koa-body, which inflates it.
 */
async function readBody(ctx: Context, readEncodedBody: Middleware, timeoutMs: number): Promise<Buffer> {
  if (!BODY_METHODS.has(ctx.method.toUpperCase()) || !ctx.is(TEXT_TYPES)) return NO_BODY;
  if ((ctx.get('content-encoding') || 'identity') !== 'identity') {
    await withinBodyDeadline(Promise.resolve(readEncodedBody(ctx, async () => {})), timeoutMs);
    return Buffer.from(typeof ctx.request.body === 'string' ? ctx.request.body : '', 'latin1');
  }
  return readRawBody(ctx.req, timeoutMs);
}

function isJson(contentType: string): boolean {
  const mediaType = (contentType.split(';', 1)[0] ?? '').trim().toLowerCase();
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}
