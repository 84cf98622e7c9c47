import type Router from '@koa/router';
import { z } from 'zod';
import type { EmulatorContext } from '../context';
import { advanceClock, runDueWorkNow, type DueWorkReport } from '../due-work';
import { ApiError } from '../errors';
import { faultSpecSchema } from '../faults';
import { saveProduct } from '../product-catalog';
import { renderProductV3 } from '../render/product';
import { resetEmulator } from '../reset';
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

const MAX_ADVANCE_SECONDS = 10 * 366 * 24 * 3600;
const clockSchema = z.strictObject({ advanceSeconds: z.int().min(0).max(MAX_ADVANCE_SECONDS) });
const advanceSchema = z.strictObject({ seconds: z.int().min(0).max(MAX_ADVANCE_SECONDS) });

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
    ctx.body = { now: context.clock.nowSeconds(), offsetSeconds: context.clock.offsetSeconds() };
  });

  // The test clock (§8.5); `POST /_emulator/clock {advanceSeconds}` is the older spelling of the same call.
  router.post('/_emulator/clock/advance', async (ctx) => {
    const { seconds } = parseOr400(advanceSchema, ctx.request.body ?? {});
    ctx.body = await clockView(context, advanceClock(context, seconds));
  });

  router.post('/_emulator/clock', async (ctx) => {
    const { advanceSeconds } = parseOr400(clockSchema, ctx.request.body ?? {});
    ctx.body = await clockView(context, advanceClock(context, advanceSeconds));
  });

  router.post('/_emulator/sweep', async (ctx) => {
    ctx.body = await clockView(context, runDueWorkNow(context));
  });

  router.get('/_emulator/stats', (ctx) => {
    ctx.body = context.stats.snapshot();
  });

  registerWebhookAdmin(router, context);
  registerFaultAdmin(router, context);
}

/**
 * Answers once every event the run sent has had its first delivery attempt (retries go on in the
 * background), so a test sees the webhooks as soon as the call returns. `events` lists them in the
 * order sent, which is time order.
 */
async function clockView(context: EmulatorContext, report: DueWorkReport) {
  await report.firstAttempts;
  return {
    now: context.clock.nowSeconds(),
    offsetSeconds: context.clock.offsetSeconds(),
    expired: report.expired,
    events: report.events.map((event) => ({ id: event.id, type: event.type, created: event.created, object: objectId(event.data.object) })),
  };
}

const objectId = (object: unknown): string | null => {
  const id = (object as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : null;
};

function registerWebhookAdmin(router: Router, context: EmulatorContext): void {
  router.get('/_emulator/webhooks', (ctx) => {
    ctx.body = { targets: context.webhooks.getTargets() };
  });

  router.put('/_emulator/webhooks', (ctx) => {
    const { targets } = parseOr400(targetsSchema, ctx.request.body ?? {});
    context.webhooks.setTargets(targets);
    ctx.body = { targets: context.webhooks.getTargets() };
  });

  // Tests wait here for the webhooks of API calls (which never wait for delivery themselves).
  router.post('/_emulator/webhooks/flush', async (ctx) => {
    await context.webhooks.flush();
    ctx.body = { ok: true };
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
