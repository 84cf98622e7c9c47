import type Router from '@koa/router';
import { z } from 'zod';
import { requirePaymentLink, requireProductByRef } from '../catalog';
import type { EmulatorContext } from '../context';
import { badRequest } from '../errors';
import { newId } from '../ids';
import { renderPaymentLink } from '../render/payment-link';
import type { EmulatorState, PaymentLinkRecord } from '../state';
import { metadataSchema, page, pagingQuery, parseOr400, urlSchema } from '../validation';

/** Loops-style fields of docs/loops-contract.md §3.4. */
const fields = {
  label: z.string().min(1).max(200).nullish(),
  productIds: z.array(z.string().min(1).max(255)).min(1).max(20),
  successUrl: urlSchema.nullish(),
  cancelUrl: urlSchema.nullish(),
  metadata: metadataSchema.nullish(),
  active: z.boolean().nullish(),
};
const createSchema = z.strictObject(fields);
const updateSchema = z.strictObject({ ...fields, productIds: fields.productIds.optional() });
const listQuerySchema = z.object(pagingQuery);

export function registerPaymentLinkRoutes(router: Router, context: EmulatorContext): void {
  router.post('/api/v3/payment-links', (ctx) => {
    const body = parseOr400(createSchema, ctx.request.body ?? {});
    const productIds = checkedProducts(context.state, body.productIds);
    const now = context.clock.nowMs();
    const link: PaymentLinkRecord = {
      id: newId('pl'),
      label: body.label ?? null,
      productIds,
      successUrl: body.successUrl ?? null,
      cancelUrl: body.cancelUrl ?? null,
      metadata: { ...(body.metadata ?? {}) },
      active: body.active ?? true,
      createdMs: now,
      updatedMs: now,
    };
    context.state.paymentLinks.set(link.id, link);
    context.stats.paymentLinksCreated += 1;
    ctx.body = renderPaymentLink(context, link);
  });

  router.get('/api/v3/payment-links', (ctx) => {
    const query = parseOr400(listQuerySchema, ctx.query);
    const { slice, hasMore } = page([...context.state.paymentLinks.values()], query.limit, query.offset);
    ctx.body = { object: 'list', data: slice.map((link) => renderPaymentLink(context, link)), has_more: hasMore, url: '/api/v3/payment-links' };
  });

  router.put('/api/v3/payment-links/:id', (ctx) => {
    const link = requirePaymentLink(context.state, ctx.params.id ?? '');
    const body = parseOr400(updateSchema, ctx.request.body ?? {});
    const productIds = body.productIds ? checkedProducts(context.state, body.productIds) : link.productIds;
    link.productIds = productIds;
    if (body.label !== undefined) link.label = body.label;
    if (body.successUrl !== undefined) link.successUrl = body.successUrl;
    if (body.cancelUrl !== undefined) link.cancelUrl = body.cancelUrl;
    if (body.metadata != null) link.metadata = { ...body.metadata };
    if (body.active != null) link.active = body.active;
    link.updatedMs = context.clock.nowMs();
    ctx.body = renderPaymentLink(context, link);
  });
}

/**
 * Every product must exist (404 otherwise) and a link must be sellable as one session: one
 * currency, and all one-time or all recurring with one interval (§3.2's session rules, checked up
 * front).
 */
function checkedProducts(state: EmulatorState, refs: string[]): string[] {
  const products = refs.map((ref) => requireProductByRef(state, ref));
  if (new Set(products.map((p) => p.priceCurrency)).size > 1) throw badRequest('productIds: all products must share one currency', 'currency_mismatch');
  if (new Set(products.map((p) => p.recurringInterval === null)).size > 1) {
    throw badRequest('productIds: mix of one-time and recurring products', 'mixed_pricing');
  }
  if (new Set(products.map((p) => p.recurringInterval)).size > 1) {
    throw badRequest('productIds: recurring products must share one interval', 'interval_mismatch');
  }
  return products.map((p) => p.id);
}
