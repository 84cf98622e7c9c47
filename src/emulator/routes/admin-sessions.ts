import type Router from '@koa/router';
import { z } from 'zod';
import type { EmulatorContext } from '../context';
import { customerDetailsSchema } from '../customer-details';
import { renderCharge } from '../render/charge';
import { renderSessionV2 } from '../render/session-v2';
import { renderSessionV3 } from '../render/session-v3';
import { renderSubscription } from '../render/subscription';
import { completeSession, expireSession, failSession, refundSession, requireSession } from '../session-lifecycle';
import type { SessionRecord } from '../state';
import { parseOr400 } from '../validation';

const refundSchema = z.strictObject({ amount: z.int().min(1).optional() });

const transitions = { fail: failSession, expire: expireSession } as const;

/**
 * Admin shortcuts with the same effects and webhooks as the hosted page and expiry (§6). A session
 * that is no longer open answers 409 `session_not_open`. `complete` takes what the customer would
 * type on the page, `{email?, name?}` (§8 `customer_details`).
 */
export function registerAdminSessionRoutes(router: Router, context: EmulatorContext): void {
  router.post('/_emulator/sessions/:id/complete', (ctx) => {
    const details = parseOr400(customerDetailsSchema, ctx.request.body ?? {});
    const session = requireSession(context, ctx.params.id ?? '');
    completeSession(context, session, details);
    ctx.body = renderSessionV3(context, session);
  });

  for (const [name, transition] of Object.entries(transitions)) {
    router.post(`/_emulator/sessions/:id/${name}`, (ctx) => {
      const session = requireSession(context, ctx.params.id ?? '');
      transition(context, session);
      ctx.body = renderSessionV3(context, session);
    });
  }

  router.post('/_emulator/sessions/:id/refund', (ctx) => {
    const session = requireSession(context, ctx.params.id ?? '');
    const { amount } = parseOr400(refundSchema, ctx.request.body ?? {});
    ctx.body = renderCharge(refundSession(context, session, amount));
  });

  router.get('/_emulator/sessions/:id', (ctx) => {
    ctx.body = describeSession(context, requireSession(context, ctx.params.id ?? ''));
  });
}

/** Both renderings plus what the session produced, for debugging and tests. */
function describeSession(context: EmulatorContext, session: SessionRecord) {
  const charge = session.chargeId ? context.state.charges.get(session.chargeId) : undefined;
  const subscription = session.subscriptionId ? context.state.subscriptions.get(session.subscriptionId) : undefined;
  return {
    v2: renderSessionV2(context, session),
    v3: renderSessionV3(context, session),
    status: session.status,
    lineItems: session.lineItems,
    charge: charge ? renderCharge(charge) : null,
    subscription: subscription ? renderSubscription(subscription) : null,
  };
}
