import type { SessionIdReference } from '../expand';

/** What the session tells about the objects its id fields name. */
export interface ReferenceContext {
  livemode: boolean;
  amountTotal: number | null;
  currency: string | null;
  paid: boolean;
  customer: string | null;
  email: string | null;
  paymentMethodTypes: string[];
}

type Stub = Record<string, unknown>;

const nulls = (fields: readonly string[]): Stub => Object.fromEntries(fields.map((field) => [field, null]));

/**
 * `expand[]` of an id field (docs/stripe-checkout-contract.md §3.4) asks for an object Loops does not provide.
 * Refusing it would fail a whole list page once one session is paid, so the gateway renders a stub
 * in the object's Stripe shape instead: `id`, `object` and what the session itself says about it
 * (amount, currency, customer, email), `null` for everything it cannot know. Merchant code reading
 * `session.payment_intent.id` keeps working; code relying on, say, the payment method sees null.
 * The table is exhaustive over SESSION_ID_REFERENCES.
 */
const STUBS: Record<SessionIdReference, (id: string, on: ReferenceContext) => Stub> = {
  payment_intent: (id, on) => ({
    ...nulls(PAYMENT_INTENT_UNKNOWN),
    id,
    object: 'payment_intent',
    amount: on.amountTotal,
    amount_received: on.paid ? on.amountTotal : 0,
    currency: on.currency,
    customer: on.customer,
    livemode: on.livemode,
    metadata: {},
    payment_method_types: on.paymentMethodTypes,
    status: on.paid ? 'succeeded' : null,
  }),
  customer: (id, on) => ({ ...nulls(CUSTOMER_UNKNOWN), id, object: 'customer', email: on.email, livemode: on.livemode, metadata: {} }),
  subscription: (id, on) => ({
    ...nulls(SUBSCRIPTION_UNKNOWN),
    id,
    object: 'subscription',
    currency: on.currency,
    customer: on.customer,
    livemode: on.livemode,
    metadata: {},
  }),
  invoice: (id, on) => ({ id, object: 'invoice', livemode: on.livemode, metadata: {} }),
  payment_link: (id, on) => ({ id, object: 'payment_link', livemode: on.livemode, metadata: {} }),
  setup_intent: (id, on) => ({ id, object: 'setup_intent', livemode: on.livemode, metadata: {} }),
};

export function buildReferenceStub(field: SessionIdReference, id: string, on: ReferenceContext): Stub {
  return STUBS[field](id, on);
}

/** PaymentIntent fields the gateway cannot know (Stripe's `payment_intent` fixture, test/fixtures/payment_intent.json). */
const PAYMENT_INTENT_UNKNOWN = [
  'amount_capturable',
  'amount_details',
  'application',
  'application_fee_amount',
  'automatic_payment_methods',
  'canceled_at',
  'cancellation_reason',
  'capture_method',
  'client_secret',
  'confirmation_method',
  'created',
  'customer_account',
  'description',
  'excluded_payment_method_types',
  'last_payment_error',
  'latest_charge',
  'managed_payments',
  'next_action',
  'on_behalf_of',
  'payment_method',
  'payment_method_configuration_details',
  'payment_method_options',
  'processing',
  'receipt_email',
  'review',
  'setup_future_usage',
  'shipping',
  'source',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'transfer_data',
  'transfer_group',
] as const;

const CUSTOMER_UNKNOWN = [
  'address',
  'balance',
  'created',
  'currency',
  'default_source',
  'delinquent',
  'description',
  'discount',
  'invoice_prefix',
  'invoice_settings',
  'name',
  'next_invoice_sequence',
  'phone',
  'preferred_locales',
  'shipping',
  'tax_exempt',
  'test_clock',
] as const;

const SUBSCRIPTION_UNKNOWN = [
  'billing_cycle_anchor',
  'cancel_at',
  'cancel_at_period_end',
  'canceled_at',
  'created',
  'default_payment_method',
  'description',
  'items',
  'latest_invoice',
  'start_date',
  'status',
  'trial_end',
  'trial_start',
] as const;
