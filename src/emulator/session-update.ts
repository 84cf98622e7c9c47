import { z } from 'zod';
import type { EmulatorContext } from './context';
import { ApiError } from './errors';
import { checkedMinor, toMajor } from './money';
import { wholeSecond } from './session-factory';
import { expireIfDue } from './session-lifecycle';
import type { SessionRecord } from './state';
import { currencySchema, metadataSchema, urlSchema } from './validation';

/** V2 update (docs/loops-contract.md §3.1): every field optional, each with its documented limit. */
export const v2UpdateSchema = z.strictObject({
  amount: z.number().min(0.01).optional(),
  currency: currencySchema.optional(),
  productName: z.string().min(1).max(200).optional(),
  productDescription: z.string().max(1000).nullable().optional(),
  pricingType: z.enum(['ONE_TIME', 'RECURRING']).optional(),
  allowedPaymentMethods: z.array(z.string().min(1)).min(1).max(20).optional(),
  successUrl: urlSchema.nullable().optional(),
  cancelUrl: urlSchema.nullable().optional(),
  externalCustomerId: z.string().min(1).max(255).nullable().optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  metadata: metadataSchema.optional(),
});

export type V2Update = z.output<typeof v2UpdateSchema>;

/**
 * Applies an update to an open session, all or nothing. `metadata` replaces the old set (PUT).
 * `expiresAt` now or earlier expires the session at once, with its webhook (§3.1 [chosen]).
 */
export function updateSessionV2(context: EmulatorContext, session: SessionRecord, update: V2Update): void {
  if (session.status !== 'open') throw new ApiError(400, 'session_not_open', `Checkout session is ${session.status}`);
  const currency = update.currency ?? session.currency;
  const amount = newAmount(session, update.amount, currency);
  // §8.1: a subscription has one product (session-factory.ts checks the same at create).
  if (update.pricingType === 'RECURRING' && session.lineItems.length > 1) {
    throw new ApiError(400, 'subscription_one_item', 'pricingType RECURRING needs a session with exactly one line item (a subscription has one product)');
  }
  if (update.productName !== undefined) session.productName = update.productName;
  if (update.productDescription !== undefined) session.productDescription = update.productDescription;
  if (update.pricingType !== undefined) applyPricingType(session, update.pricingType);
  if (update.allowedPaymentMethods !== undefined) session.paymentMethodTypes = update.allowedPaymentMethods;
  if (update.successUrl !== undefined) session.successUrl = update.successUrl;
  if (update.cancelUrl !== undefined) session.cancelUrl = update.cancelUrl;
  if (update.externalCustomerId !== undefined) session.externalCustomerId = update.externalCustomerId;
  if (update.metadata !== undefined) session.metadata = { ...update.metadata };
  if (update.expiresAt !== undefined) session.expiresMs = wholeSecond(Date.parse(update.expiresAt));
  session.amount = amount;
  session.currency = currency;
  session.updatedMs = context.clock.nowMs();
  expireIfDue(context, session);
}

/**
 * `amount` is in major units (§3.1). Changing only the currency keeps the major amount, which must
 * fit the new currency's decimals (29.99 USD cannot become JPY without a new amount).
 */
function newAmount(session: SessionRecord, amount: number | undefined, currency: string): number {
  const major = amount ?? toMajor(session.amount, session.currency);
  return checkedMinor('amount', major, currency);
}

function applyPricingType(session: SessionRecord, pricingType: 'ONE_TIME' | 'RECURRING'): void {
  session.mode = pricingType === 'RECURRING' ? 'subscription' : 'payment';
  session.recurringInterval = pricingType === 'RECURRING' ? (session.recurringInterval ?? 'month') : null;
}
