import Router, { type RouterMiddleware } from '@koa/router';
import type { CatalogService } from '../../services/catalog-service';
import { callContextOf } from '../call-context-of';
import type { GatewayState } from '../gateway-state';
import { sendJson } from '../respond';

type Handler = RouterMiddleware<GatewayState>;

/**
 * `/prices/search` and `/products/search` match `/:id`. Search is not provided: pass it on, so it
 * gets the 404 "not provided by the gateway" every other unprovided path gets, instead of a 400
 * about its `query` parameter from a lookup of a price called "search".
 */
const unlessSearch =
  (handler: Handler): Handler =>
  (ctx, next) =>
    ctx.params.id === 'search' ? next() : handler(ctx, next);

/**
 * The read-only catalog paths stripe-node calls for `prices.retrieve`, `prices.list` and
 * `products.retrieve`, answered from the tenant's imported mappings (docs/mappings.md).
 */
export function catalogRoutes(service: CatalogService): Router<GatewayState> {
  const router = new Router<GatewayState>({ prefix: '/v1' });
  router.get('/prices', async (ctx) => sendJson(ctx, 200, await service.listPrices(callContextOf(ctx), ctx.state.params ?? {})));
  router.get(
    '/prices/:id',
    unlessSearch(async (ctx) => sendJson(ctx, 200, await service.retrievePrice(callContextOf(ctx), ctx.params.id ?? '', ctx.state.params ?? {}))),
  );
  router.get(
    '/products/:id',
    unlessSearch(async (ctx) => sendJson(ctx, 200, await service.retrieveProduct(callContextOf(ctx), ctx.params.id ?? '', ctx.state.params ?? {}))),
  );
  return router;
}
