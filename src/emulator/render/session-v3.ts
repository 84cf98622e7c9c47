import { toUnixSeconds } from '../clock';
import { checkoutUrl, type EmulatorContext } from '../context';
import { isTrial, type SessionRecord } from '../state';

/**
 * The Stripe-shaped object of docs/loops-contract.md §3.2: minor units, lower-case currency, unix seconds,
 * `payment_status` and deliberately no `status` (the gateway must cope without it). `created`,
 * `payment_link` and `subscription` are Stripe fields added for convenience; `subscription` is the
 * id of the subscription a completed subscription-mode session created [chosen]. A completed
 * trial checkout is `no_payment_required` with `amount_total` as the price would charge (§8.3);
 * `customer_details` is what the customer typed (§8), null until completed.
 */
export function renderSessionV3(context: EmulatorContext, session: SessionRecord) {
  return {
    id: session.id,
    object: 'checkout.session' as const,
    amount_subtotal: session.amount,
    amount_total: session.amount,
    automatic_tax: { enabled: false, liability: null, status: null },
    billing_address_collection: null,
    cancel_url: session.cancelUrl,
    client_reference_id: session.clientReferenceId,
    created: toUnixSeconds(session.createdMs),
    currency: session.currency.toLowerCase(),
    customer: session.customer,
    customer_details: session.customerDetails ? { ...session.customerDetails } : null,
    customer_email: session.customerEmail,
    expires_at: toUnixSeconds(session.expiresMs),
    livemode: false,
    locale: null,
    metadata: { ...session.metadata },
    mode: session.mode,
    payment_intent: session.paymentIntentId,
    payment_link: session.paymentLinkId,
    payment_method_types: [...session.paymentMethodTypes],
    payment_status: paymentStatus(session),
    setup_intent: null,
    shipping: null,
    submit_type: null,
    subscription: session.subscriptionId,
    success_url: session.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    url: checkoutUrl(context, session.id),
    productName: session.productName,
    externalCustomerId: session.externalCustomerId,
  };
}

function paymentStatus(session: SessionRecord): 'paid' | 'unpaid' | 'no_payment_required' {
  if (session.status !== 'completed') return 'unpaid';
  return isTrial(session) ? 'no_payment_required' : 'paid';
}
