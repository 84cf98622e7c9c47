import Router from '@koa/router';
import type { Context } from 'koa';
import type { CatalogService } from '../../services/catalog-service';
import type { WrittenAnswer } from '../../services/catalog-write';
import { callContextOf } from '../call-context-of';
import type { GatewayState } from '../gateway-state';
import { sendJson, sendSerializedJson } from '../respond';

/**
 * The catalog paths stripe-node calls for `products.*` and `prices.*` (docs/stripe-billing-contract.md
 * §1): one catalog with the imported mappings (docs/mappings.md "One catalog"). Search paths are
 * registered before `/:id`, which would otherwise take `search` for an id.
 */
export function catalogRoutes(service: CatalogService): Router<GatewayState> {
  const router = new Router<GatewayState>({ prefix: '/v1' });
  const params = (ctx: { state: GatewayState }) => ctx.state.params ?? {};
  /** A write's answer: the serialised bytes it stored for replay with the change, when it did. */
  const sendWritten = (ctx: Context & { state: GatewayState }, written: WrittenAnswer) => {
    sendSerializedJson(ctx, 200, written.json);
  };

  router.get('/prices', async (ctx) => sendJson(ctx, 200, await service.listPrices(callContextOf(ctx), params(ctx))));
  router.get('/prices/search', async (ctx) => sendJson(ctx, 200, await service.searchPrices(callContextOf(ctx), params(ctx))));
  router.get('/prices/:id', async (ctx) => sendJson(ctx, 200, await service.retrievePrice(callContextOf(ctx), ctx.params.id ?? '', params(ctx))));
  router.post('/prices', async (ctx) => sendWritten(ctx, await service.createPrice(callContextOf(ctx), params(ctx))));
  router.post('/prices/:id', async (ctx) => sendWritten(ctx, await service.updatePrice(callContextOf(ctx), ctx.params.id ?? '', params(ctx))));

  router.get('/products', async (ctx) => sendJson(ctx, 200, await service.listProducts(callContextOf(ctx), params(ctx))));
  router.get('/products/search', async (ctx) => sendJson(ctx, 200, await service.searchProducts(callContextOf(ctx), params(ctx))));
  router.get('/products/:id', async (ctx) => sendJson(ctx, 200, await service.retrieveProduct(callContextOf(ctx), ctx.params.id ?? '', params(ctx))));
  router.post('/products', async (ctx) => sendWritten(ctx, await service.createProduct(callContextOf(ctx), params(ctx))));
  router.post('/products/:id', async (ctx) => sendWritten(ctx, await service.updateProduct(callContextOf(ctx), ctx.params.id ?? '', params(ctx))));
  router.delete('/products/:id', async (ctx) => sendWritten(ctx, await service.deleteProduct(callContextOf(ctx), ctx.params.id ?? '', params(ctx))));
  return router;
}
