import type Router from '@koa/router';
import type { ParameterizedContext } from 'koa';
import getRawBody from 'raw-body';
import { lineItemsOfLink, requirePaymentLink } from '../catalog';
import { checkoutUrl, type EmulatorContext } from '../context';
import { ApiError } from '../errors';
import { checkoutPage, invalidQuantityPage, notFoundPage, notPayablePage, resultPage } from '../html';
import { applyChosenQuantities } from '../quantities';
import { redirectUrl, type RedirectStatus } from '../redirects';
import { createSession } from '../session-factory';
import { completeSession, expireIfDue, failSession } from '../session-lifecycle';
import type { SessionRecord } from '../state';

type Action = 'pay' | 'cancel' | 'fail';

/**
 * The hosted checkout page (loops-api.md §6) and its three buttons. Pay and Fail end the session
 * and send their webhooks (§5); Cancel only sends the customer back and leaves the session open
 * (§4). Fail redirects to the cancel URL with `status=failed` [chosen]. Pay carries the quantities
 * of adjustable items (§3.2 `adjustable_quantity`), which set what is charged.
 */
export function registerHostedPageRoutes(router: Router, context: EmulatorContext): void {
  router.get('/checkout/:id', (ctx) => {
    const session = findSession(context, ctx.params.id ?? '');
    if (!session) return html(ctx, 404, notFoundPage());
    if (session.status !== 'open') return html(ctx, 200, notPayablePage(session));
    html(ctx, 200, checkoutPage(session, new URL(checkoutUrl(context, session.id)).pathname));
  });

  for (const action of ['pay', 'cancel', 'fail'] as const) {
    router.post(`/checkout/:id/${action}`, async (ctx) => {
      const form = await readForm(ctx);
      const session = findSession(context, ctx.params.id ?? '');
      if (!session) return html(ctx, 404, notFoundPage());
      if (session.status !== 'open') return html(ctx, 409, notPayablePage(session));
      try {
        if (action === 'pay') applyChosenQuantities(session, form);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return html(ctx, error.status, invalidQuantityPage(session, error.message));
      }
      act(context, session, action);
      finish(ctx, session, outcome[action]);
    });
  }

  // A payment link's `url` (§3.4): opening it starts a fresh session, as a Stripe link does.
  router.get('/pay/:id', (ctx) => {
    try {
      const link = requirePaymentLink(context.state, ctx.params.id ?? '');
      const session = createSession(context, {
        items: lineItemsOfLink(context.state, link),
        paymentLinkId: link.id,
        successUrl: link.successUrl,
        cancelUrl: link.cancelUrl,
      });
      seeOther(ctx, checkoutUrl(context, session.id));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      html(ctx, error.status, notFoundPage().replace('Checkout Session Not Found', error.message));
    }
  });
}

const outcome: Record<Action, RedirectStatus> = { pay: 'completed', cancel: 'canceled', fail: 'failed' };

function act(context: EmulatorContext, session: SessionRecord, action: Action): void {
  if (action === 'pay') completeSession(context, session);
  if (action === 'fail') failSession(context, session);
}

/** 303 so the browser follows with a GET; no URL to go to → a plain result page. */
function finish(ctx: ParameterizedContext, session: SessionRecord, status: RedirectStatus): void {
  const target = status === 'completed' ? session.successUrl : session.cancelUrl;
  if (!target) return html(ctx, 200, resultPage(session, status));
  seeOther(ctx, redirectUrl(target, session.id, status));
}

/**
 * Location is set verbatim (koa's `redirect` re-formats URLs, e.g. adds a `/` before `?`), with
 * only spaces and non-ASCII characters percent-encoded so the header stays valid.
 */
function seeOther(ctx: ParameterizedContext, location: string): void {
  const safe = location.replace(/[^\x21-\x7e]/gu, (char) => encodeURIComponent(char));
  ctx.status = 303;
  ctx.set('Location', safe);
  ctx.type = 'text/plain; charset=utf-8';
  ctx.body = `Redirecting to ${safe}`;
}

/** The page's forms post `application/x-www-form-urlencoded` (only Pay carries fields: quantities). */
async function readForm(ctx: ParameterizedContext): Promise<URLSearchParams> {
  try {
    return new URLSearchParams(await getRawBody(ctx.req, { limit: FORM_LIMIT, encoding: 'utf8' }));
  } catch {
    throw new ApiError(400, 'invalid_form', 'The form could not be read');
  }
}

const FORM_LIMIT = '16kb';

function findSession(context: EmulatorContext, id: string): SessionRecord | undefined {
  const session = context.state.sessions.get(id);
  if (session) expireIfDue(context, session);
  return session;
}

function html(ctx: ParameterizedContext, status: number, body: string): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = body;
}
