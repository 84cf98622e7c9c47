import { toUnixSeconds } from '../clock';
import type { SubscriptionRecord } from '../state';

const seconds = (ms: number | null): number | null => (ms === null ? null : toUnixSeconds(ms));

/**
 * The subscription object of docs/loops-contract.md §8.1, exactly its fields: snake_case, unix seconds,
 * `amount` per period in minor units (unit price × quantity), lower-case currency.
 */
export function renderSubscription(subscription: SubscriptionRecord) {
  return {
    id: subscription.id,
    object: 'subscription' as const,
    status: subscription.status,
    externalCustomerId: subscription.externalCustomerId,
    customer_email: subscription.customerEmail,
    productId: subscription.productId,
    price: subscription.priceId,
    quantity: subscription.quantity,
    amount: subscriptionAmount(subscription),
    currency: subscription.currency.toLowerCase(),
    interval: subscription.interval,
    current_period_start: toUnixSeconds(subscription.currentPeriodStartMs),
    current_period_end: toUnixSeconds(subscription.currentPeriodEndMs),
    trial_start: seconds(subscription.trialStartMs),
    trial_end: seconds(subscription.trialEndMs),
    cancel_at_period_end: subscription.cancelAtPeriodEnd,
    canceled_at: seconds(subscription.canceledAtMs),
    ended_at: seconds(subscription.endedAtMs),
    checkout_session: subscription.sessionId,
    latest_charge: subscription.latestChargeId,
    metadata: { ...subscription.metadata },
    created: toUnixSeconds(subscription.createdMs),
    livemode: false,
  };
}

/** What one period costs, and what the next charge takes: the quantity of now (§8.2: no proration). */
export const subscriptionAmount = (subscription: SubscriptionRecord): number => subscription.unitAmount * subscription.quantity;
