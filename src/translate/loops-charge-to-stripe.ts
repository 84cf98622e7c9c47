import type { LoopsCharge } from '../loops/loops-webhook-schemas';
import { fromLoopsV3Amount } from '../loops/v3-amounts';
import { buildChargeObject } from '../stripe/objects/charge-object';
import type { InvoiceRecord } from '../store/subscription-record';

/** What the gateway knows about a charge's context: its session, or its subscription for a renewal. */
export interface ChargeContext {
  livemode: boolean;
  metadata: Record<string, string>;
  customer: string | null;
  email: string | null;
  paymentIntent: string | null;
  description: string | null;
  /** Unix seconds, when Loops' charge has no `created`. */
  createdFallback: number;
}

/**
 * Stripe's `charge` from a Loops charge (docs/loops-contract.md §5, §8.4): V3 amounts (the same unit as the
 * session total or subscription amount it pays), the context's customer, email and metadata. A
 * declined renewal (`charge.failed`) is `status: failed`, `paid: false`, with Loops'
 * `failure_message` and Stripe's code for a declined card.
 */
export function chargeObjectFromLoops(charge: LoopsCharge, context: ChargeContext) {
  const currency = charge.currency.toLowerCase();
  const object = buildChargeObject({
    id: charge.id,
    amount: fromLoopsV3Amount(charge.amount, currency),
    amountRefunded: fromLoopsV3Amount(charge.amount_refunded, currency),
    currency,
    created: charge.created ?? context.createdFallback,
    livemode: context.livemode,
    metadata: context.metadata,
    paymentIntent: charge.payment_intent ?? context.paymentIntent,
    customer: context.customer,
    email: charge.customer_email ?? context.email,
    description: context.description,
  });
  if (charge.status !== 'failed') return object;
  return {
    ...object,
    amount_captured: 0,
    captured: false,
    failure_code: 'card_declined',
    failure_message: charge.failure_message ?? 'Your card was declined.',
    paid: false,
    status: 'failed' as const,
  };
}

/**
 * A charge succeeds once, so its `charge.succeeded` is keyed by the charge: Loops resending it
 * under another event id (or the renewal path seeing it too) announces nothing new. A charge is
 * refunded as often as it is partly refunded, so `charge.refunded` stays keyed by Loops' event.
 */
export function chargeEventDedupeKey(type: string, chargeId: string, loopsEventId: string): string {
  return type === 'charge.refunded' ? `loops:${loopsEventId}` : `loops-charge:${chargeId}:${type}`;
}

/** The invoice's paying charge, as far as the invoice tells (Loops has no charge lookup). */
export function chargeObjectOfInvoice(record: InvoiceRecord, id: string) {
  return buildChargeObject({
    id,
    amount: record.amount,
    amountRefunded: 0,
    currency: record.currency,
    created: record.paidAt ?? record.created,
    livemode: record.livemode,
    metadata: record.subscriptionMetadata,
    paymentIntent: null,
    customer: record.customer,
    email: record.customerEmail,
    description: null,
  });
}
