import Router from '@koa/router';
import type { CustomerService } from '../../services/customers/customer-service';
import { callContextOf } from '../call-context-of';
import type { GatewayState } from '../gateway-state';
import { sendJson, sendSerializedJson } from '../respond';

/**
 * The paths stripe-node calls for `customers.create/retrieve/update/del/list/search`
 * (docs/stripe-billing-contract.md §1). `/search` is registered before `/:id`, which would match it too.
 */
export function customerRoutes(service: CustomerService): Router<GatewayState> {
  const router = new Router<GatewayState>({ prefix: '/v1/customers' });
  router.post('/', async (ctx) => {
    const created = await service.create(callContextOf(ctx), ctx.state.params ?? {});
    sendSerializedJson(ctx, 200, created.json);
  });
  router.get('/', async (ctx) => sendJson(ctx, 200, await service.list(callContextOf(ctx), ctx.state.params ?? {})));
  router.get('/search', async (ctx) => sendJson(ctx, 200, await service.search(callContextOf(ctx), ctx.state.params ?? {})));
  router.get('/:id', async (ctx) => sendJson(ctx, 200, await service.retrieve(callContextOf(ctx), ctx.params.id ?? '', ctx.state.params ?? {})));
  router.post('/:id', async (ctx) => sendJson(ctx, 200, await service.update(callContextOf(ctx), ctx.params.id ?? '', ctx.state.params ?? {})));
  router.delete('/:id', async (ctx) => sendJson(ctx, 200, await service.del(callContextOf(ctx), ctx.params.id ?? '', ctx.state.params ?? {})));
  return router;
}
