import Router from '@koa/router';
import type { CatalogService } from '../../services/catalog-service';
import { callContextOf } from '../call-context-of';
import type { GatewayState } from '../gateway-state';
import { sendJson } from '../respond';

/**
 * The read-only catalog paths stripe-node calls for `prices.retrieve`, `prices.list` and
 * `products.retrieve`, answered from the tenant's imported mappings (docs/mappings.md).
 */
export function catalogRoutes(service: CatalogService): Router<GatewayState> {
  const router = new Router<GatewayState>({ prefix: '/v1' });
  router.get('/prices', async (ctx) => sendJson(ctx, 200, await service.listPrices(callContextOf(ctx), ctx.state.params ?? {})));
  router.get('/prices/:id', async (ctx) =>
    sendJson(ctx, 200, await service.retrievePrice(callContextOf(ctx), ctx.params.id ?? '', ctx.state.params ?? {})),
  );
  router.get('/products/:id', async (ctx) =>
    sendJson(ctx, 200, await service.retrieveProduct(callContextOf(ctx), ctx.params.id ?? '', ctx.state.params ?? {})),
  );
  return router;
}
