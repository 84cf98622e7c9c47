import Router from '@koa/router';
import type { SubscriptionService } from '../../services/subscriptions/subscription-service';
import { callContextOf } from '../call-context-of';
import type { GatewayState } from '../gateway-state';
import { sendJson } from '../respond';

/** The paths stripe-node calls for `subscriptions` (docs/stripe-billing-contract.md §1); `cancel` is a DELETE with its params in the query. */
export function subscriptionRoutes(service: SubscriptionService): Router<GatewayState> {
  const router = new Router<GatewayState>({ prefix: '/v1/subscriptions' });
  router.get('/', async (ctx) => sendJson(ctx, 200, await service.list(callContextOf(ctx), ctx.state.params ?? {})));
  // Before `/:id`, which would take `search` for an id.
  router.get('/search', async (ctx) => sendJson(ctx, 200, await service.search(callContextOf(ctx), ctx.state.params ?? {})));
  router.get('/:id', async (ctx) => sendJson(ctx, 200, await service.retrieve(callContextOf(ctx), ctx.params.id ?? '', ctx.state.params ?? {})));
  router.post('/:id', async (ctx) => sendJson(ctx, 200, await service.update(callContextOf(ctx), ctx.params.id ?? '', ctx.state.params ?? {})));
  router.delete('/:id', async (ctx) => sendJson(ctx, 200, await service.cancel(callContextOf(ctx), ctx.params.id ?? '', ctx.state.params ?? {})));
  return router;
}
