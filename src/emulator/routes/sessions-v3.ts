import type Router from '@koa/router';
import { z } from 'zod';
import { lineItemFor, requireProductByRef } from '../catalog';
import type { EmulatorContext } from '../context';
import { badRequest } from '../errors';
import { renderSessionV3 } from '../render/session-v3';
import { createSession, type SessionDraft } from '../session-factory';
import { requireSession } from '../session-lifecycle';
import { listSessions, sessionListQuerySchema } from '../session-query';
import type { EmulatorState, LineItemRecord, SubscriptionData } from '../state';
import { metadataSchema, page, parseOr400, quantitySchema, urlSchema } from '../validation';

const adjustableQuantitySchema = z
  .strictObject({ enabled: z.boolean(), minimum: z.int().min(0).max(999_999).nullish(), maximum: z.int().min(1).max(999_999).nullish() })
  .refine((a) => a.minimum == null || a.maximum == null || a.minimum <= a.maximum, { error: 'minimum must not exceed maximum' });

const lineItemSchema = z
  .strictObject({ price: z.string().min(1).max(255), quantity: quantitySchema, adjustable_quantity: adjustableQuantitySchema.nullish() })
  .refine(
    (item) => !item.adjustable_quantity?.enabled || withinBounds(item.quantity, item.adjustable_quantity.minimum, item.adjustable_quantity.maximum),
    { error: 'quantity must lie within adjustable_quantity bounds', path: ['quantity'] },
  );

const optionalText = z.string().min(1).max(500).nullish();

/** §8.3: a trial is `trial_period_days` (1–730) or `trial_end` (unix seconds), never both. */
const subscriptionDataSchema = z
  .strictObject({
    trial_period_days: z.int().min(1).max(730).nullish(),
    trial_end: z.int().positive().nullish(),
    metadata: metadataSchema.nullish(),
  })
  .refine((data) => data.trial_period_days == null || data.trial_end == null, { error: 'send at most one of trial_period_days and trial_end' });

/** §3.2: Stripe-style `line_items` or Loops-style `productId` (+ `quantity`), never both. */
const v3CreateSchema = z
  .strictObject({
    line_items: z.array(lineItemSchema).min(1).max(100).nullish(),
    productId: z.string().min(1).max(255).nullish(),
    quantity: quantitySchema.nullish(),
    mode: z.enum(['payment', 'subscription']).nullish(),
    success_url: urlSchema.nullish(),
    cancel_url: urlSchema.nullish(),
    customer: optionalText,
    customer_email: z.email().nullish(),
    client_reference_id: z.string().min(1).max(200).nullish(),
    metadata: metadataSchema.nullish(),
    externalCustomerId: optionalText,
    payment_method_types: z.array(z.string().min(1).max(100)).min(1).max(20).nullish(),
    expires_at: z.int().positive().nullish(),
    subscription_data: subscriptionDataSchema.nullish(),
  })
  .refine((body) => (body.line_items == null) !== (body.productId == null), { error: 'send exactly one of line_items and productId' })
  .refine((body) => body.quantity == null || body.productId != null, { error: 'quantity applies to productId only', path: ['quantity'] });

type V3Create = z.output<typeof v3CreateSchema>;

export function registerSessionV3Routes(router: Router, context: EmulatorContext): void {
  router.post('/api/v3/checkout/sessions', (ctx) => {
    const body = parseOr400(v3CreateSchema, ctx.request.body ?? {});
    ctx.body = renderSessionV3(context, createSession(context, draftV3(context, body)));
  });

  router.get('/api/v3/checkout/sessions', (ctx) => {
    const query = parseOr400(sessionListQuerySchema, ctx.query);
    const { slice, hasMore } = page(listSessions(context, query), query.limit, query.offset);
    ctx.body = { object: 'list', data: slice.map((s) => renderSessionV3(context, s)), has_more: hasMore, url: '/api/v3/checkout/sessions' };
  });

  router.get('/api/v3/checkout/sessions/:id', (ctx) => {
    ctx.body = renderSessionV3(context, requireSession(context, ctx.params.id ?? ''));
  });
}

function draftV3(context: EmulatorContext, body: V3Create): SessionDraft {
  const items = body.line_items ? itemsFromLineItems(context.state, body.line_items) : [productItem(context.state, body)];
  return {
    items,
    mode: body.mode ?? 'payment',
    productDescription: items.length === 1 ? (context.state.products.get(items[0]?.productId ?? '')?.description ?? null) : null,
    successUrl: body.success_url,
    cancelUrl: body.cancel_url,
    customer: body.customer,
    customerEmail: body.customer_email,
    clientReferenceId: body.client_reference_id,
    externalCustomerId: body.externalCustomerId,
    metadata: body.metadata ?? undefined,
    paymentMethodTypes: body.payment_method_types ?? undefined,
    expiresMs: expiresMs(context, body.expires_at),
    subscriptionData: subscriptionData(context, body.subscription_data),
  };
}

/**
 * §8.3: `trial_end` at least 2 days ahead (emulator clock) and [chosen, as Stripe] at most 730
 * days, so milliseconds sent by mistake are a 400.
 */
const MIN_TRIAL_END_DAYS = 2;
const MAX_TRIAL_DAYS = 730;

function subscriptionData(context: EmulatorContext, data: V3Create['subscription_data']): SubscriptionData | null {
  if (data == null) return null;
  if (data.trial_end != null) {
    const now = context.clock.nowMs();
    if (data.trial_end * 1000 < now + MIN_TRIAL_END_DAYS * 86_400_000) throw badRequest(`subscription_data.trial_end: must be at least ${MIN_TRIAL_END_DAYS} days ahead`);
    if (data.trial_end * 1000 > now + MAX_TRIAL_DAYS * 86_400_000) {
      throw badRequest(`subscription_data.trial_end: must be unix seconds at most ${MAX_TRIAL_DAYS} days ahead`);
    }
  }
  return { trialPeriodDays: data.trial_period_days ?? null, trialEndMs: data.trial_end == null ? null : data.trial_end * 1000, metadata: { ...(data.metadata ?? {}) } };
}

function itemsFromLineItems(state: EmulatorState, lineItems: NonNullable<V3Create['line_items']>): LineItemRecord[] {
  return lineItems.map((item) => {
    const adjustable = item.adjustable_quantity
      ? { enabled: item.adjustable_quantity.enabled, minimum: item.adjustable_quantity.minimum ?? null, maximum: item.adjustable_quantity.maximum ?? null }
      : null;
    return lineItemFor(requireProductByRef(state, item.price), item.quantity, adjustable);
  });
}

function productItem(state: EmulatorState, body: V3Create): LineItemRecord {
  return lineItemFor(requireProductByRef(state, body.productId ?? ''), body.quantity ?? 1);
}

/**
 * §3.2 [chosen]: `expires_at` is unix seconds, in the future (emulator clock) and at most
 * MAX_EXPIRY_DAYS ahead, so a caller sending milliseconds (a unit mix-up, §7.4) gets a 400
 * instead of a session that never expires.
 */
const MAX_EXPIRY_DAYS = 30;

function expiresMs(context: EmulatorContext, expiresAt: number | null | undefined): number | undefined {
  if (expiresAt == null) return undefined;
  const now = context.clock.nowMs();
  if (expiresAt * 1000 <= now) throw badRequest('expires_at: must be in the future');
  if (expiresAt * 1000 > now + MAX_EXPIRY_DAYS * 86_400_000) {
    throw badRequest(`expires_at: must be unix seconds at most ${MAX_EXPIRY_DAYS} days ahead`);
  }
  return expiresAt * 1000;
}

function withinBounds(quantity: number, minimum: number | null | undefined, maximum: number | null | undefined): boolean {
  return (minimum == null || quantity >= minimum) && (maximum == null || quantity <= maximum);
}
