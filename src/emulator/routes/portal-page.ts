import type Router from '@koa/router';
import type { ParameterizedContext } from 'koa';
import { portalUrl, type EmulatorContext } from '../context';
import { runDueWorkNow } from '../due-work';
import { PORTAL_ACTIONS, portalExpiredPage, portalNotFoundPage, portalPage, portalRefusedPage, type PortalAction } from '../portal-html';
import type { PortalSessionRecord, SubscriptionRecord } from '../state';
import { listSubscriptions } from '../subscription-query';
import { cancelSubscriptionNow, updateSubscription } from '../subscription-lifecycle';
import { html, readForm, seeOther } from './page-helpers';

/**
 * The hosted customer-portal page (docs/loops-contract.md §8.2, §8.5) at a portal session's `url`. Its
 * buttons post forms and land back on the page (303), which shows the new state; the actions are
 * the API's (PUT `cancel_at_period_end`, DELETE), with the same webhooks. A portal session reaches
 * only its own customer's subscriptions, and nothing once expired (410).
 */
export function registerPortalPageRoutes(router: Router, context: EmulatorContext): void {
  router.get('/portal/:id', (ctx) => {
    const portal = openPortal(ctx, context, ctx.params.id ?? '');
    if (!portal) return;
    const subscriptions = listSubscriptions(context, { externalCustomerId: portal.externalCustomerId });
    html(ctx, 200, portalPage(portal, subscriptions, new URL(portalUrl(context, portal.id)).pathname));
  });

  for (const action of PORTAL_ACTIONS) {
    router.post(`/portal/:id/subscriptions/:subscription/${action}`, async (ctx) => {
      await readForm(ctx);
      const portal = openPortal(ctx, context, ctx.params.id ?? '');
      if (!portal) return;
      const subscription = context.state.subscriptions.get(ctx.params.subscription ?? '');
      if (!subscription || subscription.externalCustomerId !== portal.externalCustomerId) return html(ctx, 404, portalNotFoundPage());
      if (subscription.status === 'canceled') {
        return html(ctx, 409, portalRefusedPage(portal, 'This subscription has already ended.'));
      }
      act(context, subscription, action);
      seeOther(ctx, portalUrl(context, portal.id));
    });
  }
}

/** The portal session, after due work has run; undefined once a 404 or 410 page was answered. */
function openPortal(ctx: ParameterizedContext, context: EmulatorContext, id: string): PortalSessionRecord | undefined {
  runDueWorkNow(context);
  const portal = context.state.portalSessions.get(id);
  if (!portal) {
    html(ctx, 404, portalNotFoundPage());
    return undefined;
  }
  if (portal.expiresMs <= context.clock.nowMs()) {
    html(ctx, 410, portalExpiredPage(portal));
    return undefined;
  }
  return portal;
}

/** Resume on a subscription not set to cancel, or cancel-at-period-end twice, changes nothing. */
function act(context: EmulatorContext, subscription: SubscriptionRecord, action: PortalAction): void {
  if (action === 'cancel-now') cancelSubscriptionNow(context, subscription);
  else updateSubscription(context, subscription, { cancelAtPeriodEnd: action === 'cancel-at-period-end' });
}
