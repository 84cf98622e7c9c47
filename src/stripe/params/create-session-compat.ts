import type { ParamValue } from './param-bag';

/**
 * How the gateway treats every `POST /v1/checkout/sessions` parameter of stripe-node 23.1.0
 * (docs/stripe-checkout-contract.md §5.3). Nothing that changes what the customer pays or receives is dropped
 * silently: it is translated for Loops, or refused with the reason below. A parameter that only asks
 * the hosted page to collect or show something Loops' page does not is `unhonoured`: accepted,
 * stored and echoed, so merchant code written for Stripe keeps running, with one warning per tenant
 * and process; strict mode (STRICT_PARAMS, or `strictParams` per tenant) refuses it instead.
 * README.md and docs/compatibility.md are generated from this table (`npm run docs`) and a unit test
 * keeps them in sync.
 */
export type Treatment = 'translated' | 'stored' | 'applied' | 'unhonoured' | 'rejected';

export interface ParamTreatment {
  treatment: Treatment;
  note: string;
  /**
   * For unhonoured and rejected parameters: values that ask for nothing Loops lacks (e.g.
   * `enabled=false`); they are accepted in every mode and never warned about.
   */
  accepts?: (value: ParamValue) => boolean;
}

const disabled = (value: ParamValue) => typeof value === 'object' && !Array.isArray(value) && value.enabled === 'false';
const isFalse = (value: ParamValue) => value === 'false';
export const isEmptyList = (value: ParamValue) => (Array.isArray(value) ? value.length === 0 : value === '');

export const CREATE_SESSION_PARAMS: Record<string, ParamTreatment> = {
  line_items: {
    treatment: 'translated',
    note: 'each `price` goes to its mapped Loops product (mappings/); `price_data` finds or creates a Loops product; quantities and `adjustable_quantity` are passed on. Up to 100 items.',
  },
  mode: {
    treatment: 'translated',
    note: '`payment` and `subscription` go to Loops as `mode`; `setup` is refused (Loops has no setup sessions). Defaults to `payment`. `subscription` needs LOOPS_SUBSCRIPTIONS and exactly one line item (a Loops subscription holds one product); without `customer`, the customer is created when the session completes (as `customer_creation`).',
  },
  success_url: {
    treatment: 'translated',
    note: 'an absolute http(s) URL without raw spaces or control characters (else 400 `url_invalid`); sent to Loops, which replaces `{CHECKOUT_SESSION_ID}` and appends `session_id` and `status`; echoed with the placeholder kept literal.',
  },
  cancel_url: {
    treatment: 'translated',
    note: 'checked as `success_url` is; sent to Loops; Loops appends `session_id` and `status=canceled`.',
  },
  customer: {
    treatment: 'translated',
    note: "a customer of the tenant's directory (`/v1/customers`; else 400 `resource_missing` on `customer`, before anything is made); sent to Loops as `customer` and `externalCustomerId`, its email as `customer_email` (prefilled on Loops' page); echoed; filterable in list.",
  },
  customer_email: { treatment: 'translated', note: 'sent to Loops as `customer_email`; echoed; filterable as `customer_details[email]`.' },
  client_reference_id: { treatment: 'translated', note: 'sent to Loops as `client_reference_id`; echoed and carried in events.' },
  metadata: {
    treatment: 'translated',
    note: "sent to Loops and echoed; Stripe's limits (50 keys, 40-char keys, 500-char values) and Loops' (5 KB JSON-encoded, `param: metadata`) are checked first; an empty value on create means the key is not set.",
  },
  expires_at: {
    treatment: 'translated',
    note: "sent to Loops as `expires_at`; 30 minutes to 24 hours ahead as in Stripe; defaults to 24 hours (Stripe's default, not Loops' 1 hour).",
  },
  allowed_payment_method_types: {
    treatment: 'translated',
    note: "Stripe-Version 2026-09-30 and later (earlier: `parameter_unknown`); Stripe's payment method types only (stripe-node 23.1.0's list; others are a 400); sent to Loops as `payment_method_types`; echoed as `allowed_payment_method_types` and `payment_method_types`.",
  },
  payment_method_types: {
    treatment: 'translated',
    note: 'Stripe-Version before 2026-09-30 (later: `parameter_unknown`, as in Stripe); the same types as `allowed_payment_method_types`; sent to Loops; echoed as `payment_method_types`.',
  },
  expand: {
    treatment: 'applied',
    note: '`line_items` (and `line_items.data.price.product`) are expanded; `customer` to the full customer (its deleted stub once deleted); `subscription` to the subscription; objects Loops does not provide (`payment_intent`, `invoice`, …) are rendered as stubs: `id`, `object` and what the session knows, `null` for the rest.',
  },
  ui_mode: {
    treatment: 'rejected',
    accepts: (v) => v === 'hosted_page' || v === 'hosted',
    note: 'only the hosted page exists on Loops; `embedded_page`, `elements`, `form` (and the older `embedded`, `custom`) are refused.',
  },
  locale: { treatment: 'stored', note: 'echoed; the Loops page chooses its own language.' },
  submit_type: { treatment: 'stored', note: 'echoed; the Loops page labels its own button.' },
  billing_address_collection: {
    treatment: 'unhonoured',
    accepts: (v) => v === 'auto',
    note: '`required` is echoed, but the Loops page collects the billing address it needs itself and returns none.',
  },
  customer_creation: {
    treatment: 'translated',
    note: "payment mode only (subscription mode: Stripe's 400). `always` without `customer`: the gateway picks the customer's `cus_…` id now and sends it to Loops as `externalCustomerId`, and creates the customer in the tenant's directory when the session completes, from Loops' `customer_details` (`customer.created`, then `checkout.session.completed` carrying `customer`). `if_required`: echoed, no customer (as Stripe's guest checkout).",
  },
  payment_method_collection: {
    treatment: 'unhonoured',
    accepts: (v) => v === 'always',
    note: '`if_required` is echoed, but the Loops page always collects a payment method.',
  },
  integration_identifier: { treatment: 'stored', note: 'echoed.' },
  origin_context: { treatment: 'stored', note: 'echoed.' },
  custom_text: { treatment: 'stored', note: 'echoed; the Loops page shows its own text.' },
  allow_promotion_codes: {
    treatment: 'unhonoured',
    accepts: isFalse,
    note: '`true` is echoed, but the Loops page has no promotion-code field: customers pay the full price.',
  },
  discounts: { treatment: 'rejected', accepts: isEmptyList, note: 'discounts change what the customer pays; Loops has none.' },
  automatic_tax: {
    treatment: 'rejected',
    accepts: disabled,
    note: '`enabled=false` is accepted; tax calculation would change what the customer pays and Loops has none.',
  },
  shipping_address_collection: {
    treatment: 'rejected',
    note: 'the merchant ships to the address Stripe collects; Loops collects none, so the order could not be delivered.',
  },
  shipping_options: { treatment: 'rejected', accepts: isEmptyList, note: 'shipping rates change what the customer pays.' },
  optional_items: { treatment: 'rejected', accepts: isEmptyList, note: 'optional items change what the customer pays.' },
  subscription_data: {
    treatment: 'translated',
    note: 'subscription mode only: `trial_period_days` or `trial_end` and `metadata` go to Loops (docs/loops-contract.md §8.3), `description` is kept; the other fields are refused (the `subscription_data` table in docs/compatibility.md).',
  },
  payment_intent_data: {
    treatment: 'rejected',
    note: "capture method, statement descriptors, receipts and transfers have no Loops equivalent (in subscription mode: Stripe's own 400).",
  },
  setup_intent_data: { treatment: 'rejected', note: 'Loops has no setup sessions.' },
  invoice_creation: {
    treatment: 'rejected',
    accepts: disabled,
    note: "the customer would not receive the invoice: Loops makes none for one-time payments (in subscription mode: Stripe's own 400).",
  },
  tax_id_collection: { treatment: 'unhonoured', accepts: disabled, note: 'echoed; the Loops page does not collect tax ids.' },
  phone_number_collection: { treatment: 'unhonoured', accepts: disabled, note: 'echoed; the Loops page does not collect phone numbers.' },
  name_collection: { treatment: 'unhonoured', note: 'stored; the Loops page does not collect business or individual names.' },
  consent_collection: { treatment: 'unhonoured', note: 'echoed; the Loops page does not collect consent (promotions, terms of service).' },
  custom_fields: {
    treatment: 'unhonoured',
    accepts: isEmptyList,
    note: 'echoed with `value: null`; the Loops page does not collect custom fields.',
  },
  customer_update: {
    treatment: 'unhonoured',
    note: 'only with `customer` (as in Stripe); the customer is not updated from what the Loops page collects beyond `customer_details`.',
  },
  customer_account: { treatment: 'rejected', note: 'Stripe v2 accounts do not exist on Loops.' },
  after_expiration: { treatment: 'rejected', note: 'Loops has no recovery links for expired sessions.' },
  adaptive_pricing: { treatment: 'rejected', accepts: disabled, note: 'presenting another currency would change what the customer pays.' },
  currency: { treatment: 'rejected', note: 'only needed in `setup` mode, which Loops lacks; the currency comes from the prices.' },
  return_url: { treatment: 'rejected', note: 'only for embedded modes, which Loops lacks.' },
  redirect_on_completion: { treatment: 'rejected', note: 'only for embedded modes, which Loops lacks.' },
  payment_method_configuration: { treatment: 'rejected', note: 'Stripe payment method configurations do not exist on Loops.' },
  payment_method_data: { treatment: 'rejected', note: 'no Loops equivalent.' },
  payment_method_options: { treatment: 'rejected', note: 'per-method options have no Loops equivalent.' },
  saved_payment_method_options: { treatment: 'unhonoured', note: 'echoed; the Loops page decides whether payment methods are saved.' },
  excluded_payment_method_types: { treatment: 'rejected', accepts: isEmptyList, note: 'use `allowed_payment_method_types`, which Loops supports.' },
  wallet_options: { treatment: 'unhonoured', note: 'echoed; the Loops page chooses which wallets it shows.' },
  branding_settings: { treatment: 'unhonoured', note: 'stored; the Loops page is branded in the Loops dashboard.' },
  permissions: { treatment: 'rejected', note: 'no Loops equivalent.' },
  managed_payments: { treatment: 'rejected', accepts: disabled, note: 'no Loops equivalent.' },
};

/** `line_items[N]` fields. */
export const LINE_ITEM_PARAMS: Record<string, ParamTreatment> = {
  price: {
    treatment: 'translated',
    note: "a Stripe price id of the tenant's catalog (imported or made through the API); unknown → 400 `resource_missing`, archived → 400 as Stripe answers it.",
  },
  price_data: {
    treatment: 'translated',
    note: 'ad-hoc price: `currency` (ISO 4217), `unit_amount` or whole-number `unit_amount_decimal`, `product` (a mapped Stripe product) or `product_data` (`name`, `description`, `images`, `metadata`, `unit_label`, `tax_code`), `recurring` (month or year, interval_count 1; every 12 months is yearly and shown as `interval: year`, as for `prices.create`), `tax_behavior` (stored).',
  },
  quantity: { treatment: 'translated', note: 'passed to Loops; default 1.' },
  adjustable_quantity: {
    treatment: 'translated',
    note: "passed to Loops; on one line item per session (a second is refused) with a non-zero price: the customer's final quantity is read back from the total Loops charged, and the completed session, its line items and events show it.",
  },
  metadata: { treatment: 'stored', note: 'echoed on the line item.' },
  tax_rates: { treatment: 'rejected', accepts: isEmptyList, note: 'tax rates change what the customer pays.' },
  dynamic_tax_rates: { treatment: 'rejected', accepts: isEmptyList, note: 'tax rates change what the customer pays.' },
};
