import Router from '@koa/router';
import type { CheckoutSessionService } from '../../services/checkout-sessions/checkout-session-service';
import { callContextOf } from '../call-context-of';
import type { GatewayState } from '../gateway-state';
import { sendJson, sendSerializedJson } from '../respond';

/** The paths stripe-node calls for `checkout.sessions` (docs/stripe-checkout-contract.md §1.2). */
export function checkoutSessionRoutes(service: CheckoutSessionService): Router<GatewayState> {
  const router = new Router<GatewayState>({ prefix: '/v1/checkout/sessions' });
  router.post('/', async (ctx) => {
    const created = await service.create(callContextOf(ctx), ctx.state.params ?? {});
    sendSerializedJson(ctx, 200, created.json);
  });
  router.get('/', async (ctx) => sendJson(ctx, 200, await service.list(callContextOf(ctx), ctx.state.params ?? {})));
  router.get('/:id', async (ctx) => sendJson(ctx, 200, await service.retrieve(callContextOf(ctx), ctx.params.id ?? '', ctx.state.params ?? {})));
  router.post('/:id', async (ctx) => sendJson(ctx, 200, await service.update(callContextOf(ctx), ctx.params.id ?? '', ctx.state.params ?? {})));
  router.post('/:id/expire', async (ctx) =>
    sendJson(ctx, 200, await service.expire(callContextOf(ctx), ctx.params.id ?? '', ctx.state.params ?? {})),
  );
  router.get('/:id/line_items', async (ctx) =>
    sendJson(ctx, 200, await service.listLineItems(callContextOf(ctx), ctx.params.id ?? '', ctx.state.params ?? {})),
  );
  return router;
}
