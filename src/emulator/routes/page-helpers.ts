import type { ParameterizedContext } from 'koa';
import getRawBody from 'raw-body';
import { ApiError } from '../errors';

/** What the hosted pages (checkout, portal) share: HTML answers, 303 redirects and form bodies. */
export function html(ctx: ParameterizedContext, status: number, body: string): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = body;
}

/**
 * 303 so the browser follows with a GET. Location is set verbatim (koa's `redirect` re-formats
 * URLs, e.g. adds a `/` before `?`), with only spaces and non-ASCII characters percent-encoded so
 * the header stays valid.
 */
export function seeOther(ctx: ParameterizedContext, location: string): void {
  const safe = location.replace(/[^\x21-\x7e]/gu, (char) => encodeURIComponent(char));
  ctx.status = 303;
  ctx.set('Location', safe);
  ctx.type = 'text/plain; charset=utf-8';
  ctx.body = `Redirecting to ${safe}`;
}

const FORM_LIMIT = '16kb';

/** The pages' forms post `application/x-www-form-urlencoded`. */
export async function readForm(ctx: ParameterizedContext): Promise<URLSearchParams> {
  try {
    return new URLSearchParams(await getRawBody(ctx.req, { limit: FORM_LIMIT, encoding: 'utf8' }));
  } catch {
    throw new ApiError(400, 'invalid_form', 'The form could not be read');
  }
}
