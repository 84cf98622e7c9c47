import type Router from '@koa/router';
import { z } from 'zod';
import { lineItemFor, lineItemsOfLink, requirePaymentLink, requireProductByRef } from '../catalog';
import type { EmulatorContext } from '../context';
import { renderSessionV2 } from '../render/session-v2';
import { createSession, type SessionDraft } from '../session-factory';
import { requireSession } from '../session-lifecycle';
import { listSessions, sessionListQuerySchema } from '../session-query';
import { updateSessionV2, v2UpdateSchema } from '../session-update';
import { metadataSchema, parseOr400, quantitySchema, urlSchema } from '../validation';

// Optional create fields accept null as "absent" (JSON clients often send null for unset).
const optionalId = z.string().min(1).max(255).nullish();

/** §3.1: V1 takes a payment link only. */
const v1CreateSchema = z.strictObject({
  paymentLinkId: z.string().min(1).max(255),
  externalCustomerId: optionalId,
  metadata: metadataSchema.nullish(),
});

/** §3.1 / §2: V2 takes exactly one of `paymentLinkId` and `productId`. */
const v2CreateSchema = z
  .strictObject({
    paymentLinkId: optionalId,
    productId: optionalId,
    quantity: quantitySchema.nullish(),
    externalCustomerId: optionalId,
    metadata: metadataSchema.nullish(),
    successUrl: urlSchema.nullish(),
    cancelUrl: urlSchema.nullish(),
  })
  .refine((body) => (body.paymentLinkId == null) !== (body.productId == null), { error: 'send exactly one of paymentLinkId and productId' })
  .refine((body) => body.quantity == null || body.productId != null, { error: 'quantity applies to productId only', path: ['quantity'] });

type V2Create = z.output<typeof v2CreateSchema>;

export function registerSessionV1V2Routes(router: Router, context: EmulatorContext): void {
  router.post('/api/v1/checkout/sessions', (ctx) => {
    const body = parseOr400(v1CreateSchema, ctx.request.body ?? {});
    ctx.body = renderSessionV2(context, createSession(context, draftV2(context, body)));
  });

  router.post('/api/v2/checkout/sessions', (ctx) => {
    const body = parseOr400(v2CreateSchema, ctx.request.body ?? {});
    ctx.body = renderSessionV2(context, createSession(context, draftV2(context, body)));
  });

  for (const version of ['v1', 'v2']) {
    router.get(`/api/${version}/checkout/sessions`, (ctx) => {
      const query = parseOr400(sessionListQuerySchema, ctx.query);
      const sessions = listSessions(context, query);
      const page = sessions.slice(query.offset, query.offset + query.limit);
      ctx.body = { sessions: page.map((s) => renderSessionV2(context, s)), total: sessions.length, limit: query.limit, offset: query.offset };
    });
  }

  router.get('/api/v2/checkout/sessions/:id', (ctx) => {
    ctx.body = renderSessionV2(context, requireSession(context, ctx.params.id ?? ''));
  });

  router.put('/api/v2/checkout/sessions/:id', (ctx) => {
    const session = requireSession(context, ctx.params.id ?? '');
    updateSessionV2(context, session, parseOr400(v2UpdateSchema, ctx.request.body ?? {}));
    ctx.body = renderSessionV2(context, session);
  });
}

/** A link lends its products and redirect URLs; URLs in the request win. */
function draftV2(context: EmulatorContext, body: Partial<V2Create>): SessionDraft {
  const common = { externalCustomerId: body.externalCustomerId, metadata: body.metadata ?? undefined };
  if (body.productId != null) {
    const product = requireProductByRef(context.state, body.productId);
    const items = [lineItemFor(product, body.quantity ?? 1)];
    return { ...common, items, productDescription: product.description, successUrl: body.successUrl, cancelUrl: body.cancelUrl };
  }
  const link = requirePaymentLink(context.state, body.paymentLinkId ?? '');
  return {
    ...common,
    items: lineItemsOfLink(context.state, link),
    paymentLinkId: link.id,
    successUrl: body.successUrl ?? link.successUrl,
    cancelUrl: body.cancelUrl ?? link.cancelUrl,
  };
}
