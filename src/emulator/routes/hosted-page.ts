import type Router from '@koa/router';
import type { ParameterizedContext } from 'koa';
import { lineItemsOfLink, requirePaymentLink } from '../catalog';
import { checkoutUrl, type EmulatorContext } from '../context';
import { customerDetailsFromForm, type TypedCustomerDetails } from '../customer-details';
import { ApiError } from '../errors';
import { checkoutPage, invalidInputPage, notFoundPage, notPayablePage, resultPage } from '../html';
import { applyChosenQuantities } from '../quantities';
import { redirectUrl, type RedirectStatus } from '../redirects';
import { createSession } from '../session-factory';
import { completeSession, expireIfDue, failSession } from '../session-lifecycle';
import type { SessionRecord } from '../state';
import { html, readForm, seeOther } from './page-helpers';

type Action = 'pay' | 'cancel' | 'fail';

/**
 * The hosted checkout page (docs/loops-contract.md §6) and its three buttons. Pay and Fail end the session
 * and send their webhooks (§5); Cancel only sends the customer back and leaves the session open
 * (§4). Fail redirects to the cancel URL with `status=failed` [chosen]. Pay carries the quantities
 * of adjustable items (§3.2 `adjustable_quantity`), which set what is charged, and the email and
 * name the customer typed (§8 `customer_details`).
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
      let details: TypedCustomerDetails = {};
      try {
        if (action === 'pay') {
          details = customerDetailsFromForm(form);
          applyChosenQuantities(session, form);
        }
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return html(ctx, error.status, invalidInputPage(session, error.message));
      }
      act(context, session, action, details);
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

function act(context: EmulatorContext, session: SessionRecord, action: Action, details: TypedCustomerDetails): void {
  if (action === 'pay') completeSession(context, session, details);
  if (action === 'fail') failSession(context, session);
}

/** No URL to go to → a plain result page. */
function finish(ctx: ParameterizedContext, session: SessionRecord, status: RedirectStatus): void {
  const target = status === 'completed' ? session.successUrl : session.cancelUrl;
  if (!target) return html(ctx, 200, resultPage(session, status));
  seeOther(ctx, redirectUrl(target, session.id, status));
}

function findSession(context: EmulatorContext, id: string): SessionRecord | undefined {
  const session = context.state.sessions.get(id);
  if (session) expireIfDue(context, session);
  return session;
}
