import type Router from '@koa/router';
import { z } from 'zod';
import type { EmulatorContext } from '../context';
import { ApiError } from '../errors';
import { faultSpecSchema } from '../faults';
import { saveProduct } from '../product-catalog';
import { renderProductV3 } from '../render/product';
import { resetEmulator } from '../reset';
import { sweepExpired } from '../session-lifecycle';
import { currencySchema, metadataSchema, parseOr400, urlSchema } from '../validation';

const targetsSchema = z.strictObject({
  targets: z.array(z.strictObject({ url: urlSchema, secret: z.string().min(1) })).max(20),
});

/** Seeds a product with caller-chosen ids (the gateway's sandbox catalog); replaces one with the same id. */
const seedProductSchema = z.strictObject({
  id: z.string().min(1).max(255),
  name: z.string().min(1).max(5000),
  priceAmount: z.int().min(0),
  priceCurrency: currencySchema,
  defaultPriceId: z.string().min(1).max(255).optional(),
  recurringInterval: z.enum(['month', 'year']).optional(),
  metadata: metadataSchema.optional(),
  description: z.string().max(40_000).optional(),
  active: z.boolean().optional(),
});

const clockSchema = z.strictObject({ advanceSeconds: z.int().min(0).max(10 * 366 * 24 * 3600) });

/** `/_emulator/…` (§6): no auth, never under `/api/`, exempt from faults. */
export function registerAdminRoutes(router: Router, context: EmulatorContext): void {
  router.get('/_emulator/health', (ctx) => {
    ctx.body = { ok: true };
  });

  router.post('/_emulator/reset', (ctx) => {
    resetEmulator(context);
    ctx.body = { ok: true };
  });

  router.post('/_emulator/products', (ctx) => {
    const body = parseOr400(seedProductSchema, ctx.request.body ?? {});
    ctx.body = renderProductV3(saveProduct(context, body));
  });

  router.get('/_emulator/clock', (ctx) => {
    ctx.body = clockView(context, 0);
  });

  router.post('/_emulator/clock', (ctx) => {
    const { advanceSeconds } = parseOr400(clockSchema, ctx.request.body ?? {});
    context.clock.advance(advanceSeconds);
    ctx.body = clockView(context, sweepExpired(context));
  });

  router.post('/_emulator/sweep', (ctx) => {
    ctx.body = { expired: sweepExpired(context) };
  });

  router.get('/_emulator/stats', (ctx) => {
    ctx.body = context.stats.snapshot();
  });

  registerWebhookAdmin(router, context);
  registerFaultAdmin(router, context);
}

function clockView(context: EmulatorContext, expired: number) {
  return { now: context.clock.nowSeconds(), offsetSeconds: context.clock.offsetSeconds(), expired };
}

function registerWebhookAdmin(router: Router, context: EmulatorContext): void {
  router.get('/_emulator/webhooks', (ctx) => {
    ctx.body = { targets: context.webhooks.getTargets() };
  });

  router.put('/_emulator/webhooks', (ctx) => {
    const { targets } = parseOr400(targetsSchema, ctx.request.body ?? {});
    context.webhooks.setTargets(targets);
    ctx.body = { targets: context.webhooks.getTargets() };
  });

  router.get('/_emulator/webhooks/deliveries', (ctx) => {
    ctx.body = { deliveries: context.webhooks.deliveries.map((delivery) => ({ ...delivery })) };
  });
}

function registerFaultAdmin(router: Router, context: EmulatorContext): void {
  router.post('/_emulator/faults', (ctx) => {
    ctx.body = context.faults.add(parseOr400(faultSpecSchema, ctx.request.body ?? {}));
  });

  router.get('/_emulator/faults', (ctx) => {
    ctx.body = { faults: context.faults.list() };
  });

  router.delete('/_emulator/faults', (ctx) => {
    context.faults.clear();
    ctx.body = { ok: true };
  });

  router.delete('/_emulator/faults/:id', (ctx) => {
    if (!context.faults.remove(ctx.params.id ?? '')) throw new ApiError(404, 'fault_not_found', 'Fault Not Found');
    ctx.body = { ok: true };
  });
}
