import type Router from '@koa/router';
import { z } from 'zod';
import type { EmulatorContext } from '../context';
import { runDueWorkNow } from '../due-work';
import { renderSubscription } from '../render/subscription';
import { listSubscriptions, subscriptionListQuerySchema } from '../subscription-query';
import { cancelSubscriptionNow, requireSubscription, updateSubscription } from '../subscription-lifecycle';
import { metadataSchema, page, parseOr400, quantitySchema } from '../validation';

/** §8.2 PUT: any of the three; `metadata` replaces the whole set (§2 limits). */
const updateSchema = z.strictObject({
  cancel_at_period_end: z.boolean().optional(),
  metadata: metadataSchema.optional(),
  quantity: quantitySchema.optional(),
});

/**
 * The V3 subscription endpoints (docs/loops-contract.md §8.2). Every call first runs the work that has
 * fallen due (a renewal whose period ended a moment ago), as session reads expire sessions (§6),
 * so an answer never shows a state time has already changed.
 */
export function registerSubscriptionRoutes(router: Router, context: EmulatorContext): void {
  router.get('/api/v3/subscriptions', (ctx) => {
    const query = parseOr400(subscriptionListQuerySchema, ctx.query);
    runDueWorkNow(context);
    const { slice, hasMore } = page(listSubscriptions(context, query), query.limit, query.offset);
    ctx.body = { object: 'list', data: slice.map(renderSubscription), has_more: hasMore, url: '/api/v3/subscriptions' };
  });

  router.get('/api/v3/subscriptions/:id', (ctx) => {
    runDueWorkNow(context);
    ctx.body = renderSubscription(requireSubscription(context, ctx.params.id ?? ''));
  });

  router.put('/api/v3/subscriptions/:id', (ctx) => {
    runDueWorkNow(context);
    const subscription = requireSubscription(context, ctx.params.id ?? '');
    updateSubscription(context, subscription, fromWire(parseOr400(updateSchema, ctx.request.body ?? {})));
    ctx.body = renderSubscription(subscription);
  });

  router.delete('/api/v3/subscriptions/:id', (ctx) => {
    runDueWorkNow(context);
    const subscription = requireSubscription(context, ctx.params.id ?? '');
    cancelSubscriptionNow(context, subscription);
    ctx.body = renderSubscription(subscription);
  });
}

function fromWire(body: z.output<typeof updateSchema>) {
  return { cancelAtPeriodEnd: body.cancel_at_period_end, metadata: body.metadata, quantity: body.quantity };
}
