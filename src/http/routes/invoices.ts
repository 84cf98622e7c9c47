import Router from '@koa/router';
import type { InvoiceService } from '../../services/invoices/invoice-service';
import { callContextOf } from '../call-context-of';
import type { GatewayState } from '../gateway-state';
import { sendJson } from '../respond';

/** The read side of `invoices` (docs/stripe-billing-contract.md §1, §8). */
export function invoiceRoutes(service: InvoiceService): Router<GatewayState> {
  const router = new Router<GatewayState>({ prefix: '/v1/invoices' });
  router.get('/', async (ctx) => sendJson(ctx, 200, await service.list(callContextOf(ctx), ctx.state.params ?? {})));
  router.get('/:id', async (ctx) => sendJson(ctx, 200, await service.retrieve(callContextOf(ctx), ctx.params.id ?? '', ctx.state.params ?? {})));
  router.get('/:id/lines', async (ctx) =>
    sendJson(ctx, 200, await service.listLines(callContextOf(ctx), ctx.params.id ?? '', ctx.state.params ?? {})),
  );
  return router;
}
