import { toUnixSeconds } from '../clock';
import type { ChargeRecord } from '../state';

/**
 * The charge of docs/loops-contract.md §5 and §8.4: minor units, lower case. A checkout's charge names its
 * `checkout_session`; a renewal's names only its `subscription` (`checkout_session: null`); a
 * failed renewal has `status: "failed"` and a `failure_message`.
 */
export function renderCharge(charge: ChargeRecord) {
  const succeeded = charge.status === 'succeeded';
  return {
    id: charge.id,
    object: 'charge' as const,
    amount: charge.amount,
    amount_captured: succeeded ? charge.amount : 0,
    amount_refunded: charge.amountRefunded,
    captured: succeeded,
    checkout_session: charge.sessionId,
    created: toUnixSeconds(charge.createdMs),
    currency: charge.currency.toLowerCase(),
    customer_email: charge.customerEmail,
    failure_message: charge.failureMessage,
    livemode: false,
    metadata: { ...charge.metadata },
    paid: succeeded,
    payment_intent: charge.paymentIntentId,
    refunded: charge.amountRefunded > 0 && charge.amountRefunded >= charge.amount,
    status: charge.status,
    subscription: charge.subscriptionId,
  };
}
