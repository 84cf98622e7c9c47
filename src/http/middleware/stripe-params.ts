import { koaBody } from 'koa-body';
import type { Middleware } from 'koa';
import { GatewayError } from '../../errors';
import { mergeParamBags } from '../../stripe/params/param-bag';
import { parseForm } from '../../stripe/params/parse-form';
import { parseJson } from '../../stripe/params/parse-json';
import type { GatewayState } from '../gateway-state';

/** Far above any valid request (100 line items with full product data is ~60 KB). */
export const BODY_LIMIT = '1mb';

/**
 * Stripe requests carry parameters in the query string and the body, read as one bag
 * (stripe-surface.md §2.1). Bodies arrive as raw text; the gateway decodes them itself, so form
 * and JSON share one set of rules and limits.
 */
export function stripeParams(): Middleware<GatewayState> {
  const readBody = koaBody({
    multipart: false,
    urlencoded: false,
    json: false,
    text: true,
    textLimit: BODY_LIMIT,
    textTypes: ['application/x-www-form-urlencoded', 'application/json', 'application/*+json', 'text/*'],
  });
  return async (ctx, next) => {
    try {
      await readBody(ctx, async () => {});
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 413) throw new GatewayError('body_too_large', `Request body too large: the limit is ${BODY_LIMIT}.`);
      throw new GatewayError('malformed_body', 'Invalid request: the body could not be read.');
    }
    const raw = typeof ctx.request.body === 'string' ? ctx.request.body : '';
    const body = ctx.is('json', '+json') ? parseJson(raw) : parseForm(raw);
    ctx.state.params = mergeParamBags(parseForm(ctx.querystring), body);
    await next();
  };
}
