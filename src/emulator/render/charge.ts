import { toUnixSeconds } from '../clock';
import type { ChargeRecord, SubscriptionRecord } from '../state';

/** The charge of loops-api.md §5 (`charge.succeeded`, `charge.refunded`): minor units, lower case. */
export function renderCharge(charge: ChargeRecord) {
  return {
    id: charge.id,
    object: 'charge' as const,
    amount: charge.amount,
    amount_captured: charge.amount,
    amount_refunded: charge.amountRefunded,
    captured: true,
    checkout_session: charge.sessionId,
    created: toUnixSeconds(charge.createdMs),
    currency: charge.currency.toLowerCase(),
    customer_email: charge.customerEmail,
    livemode: false,
    metadata: { ...charge.metadata },
    paid: true,
    payment_intent: charge.paymentIntentId,
    refunded: charge.amountRefunded > 0 && charge.amountRefunded >= charge.amount,
    status: 'succeeded' as const,
  };
}

/** `subscription.created` (§5): a recurring product was bought. */
export function renderSubscription(subscription: SubscriptionRecord) {
  return {
    id: subscription.id,
    object: 'subscription' as const,
    checkout_session: subscription.sessionId,
    productId: subscription.productId,
    status: 'active' as const,
    customer: subscription.customer,
    externalCustomerId: subscription.externalCustomerId,
    interval: subscription.interval,
    created: toUnixSeconds(subscription.createdMs),
    current_period_start: toUnixSeconds(subscription.createdMs),
    current_period_end: toUnixSeconds(subscription.currentPeriodEndMs),
    livemode: false,
    metadata: { ...subscription.metadata },
  };
}
