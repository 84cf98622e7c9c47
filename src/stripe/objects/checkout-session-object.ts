import type { CreateSessionParams } from '../params/create-session-params';
import { collectionFields } from './collection-echo';

export interface SessionFacts {
  id: string;
  livemode: boolean;
  created: number;
  expiresAt: number;
  url: string | null;
  mode: 'payment' | 'subscription';
  currency: string;
  amountSubtotal: number;
  amountTotal: number;
  params: CreateSessionParams;
}

const customTextEntry = (entry: { message: string } | undefined) => (entry ? { message: entry.message } : null);

/**
 * A new `checkout.session` with every non-optional field of stripe-node 23.1.0's Session type,
 * nulls included (docs/stripe-checkout-contract.md §5.1; test/fixtures/checkout.session.json). Values Loops has
 * no equivalent for take the value Stripe shows when the feature is off.
 */
export function buildCheckoutSessionObject(facts: SessionFacts) {
  const { params } = facts;
  const allowedTypes = params.allowed_payment_method_types ?? params.payment_method_types ?? null;
  const echo = collectionFields(params);
  return {
    id: facts.id,
    object: 'checkout.session' as const,
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: echo.allow_promotion_codes,
    allowed_payment_method_types: allowedTypes,
    amount_subtotal: facts.amountSubtotal,
    amount_total: facts.amountTotal,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: echo.billing_address_collection,
    cancel_url: params.cancel_url ?? null,
    client_reference_id: params.client_reference_id ?? null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: echo.consent_collection,
    created: facts.created,
    currency: facts.currency,
    currency_conversion: null,
    custom_fields: echo.custom_fields,
    custom_text: {
      after_submit: customTextEntry(params.custom_text?.after_submit),
      shipping_address: customTextEntry(params.custom_text?.shipping_address),
      submit: customTextEntry(params.custom_text?.submit),
      terms_of_service_acceptance: customTextEntry(params.custom_text?.terms_of_service_acceptance),
    },
    customer: params.customer ?? null,
    customer_account: null,
    customer_creation: params.customer_creation ?? null,
    customer_details: null as CustomerDetails | null,
    customer_email: params.customer_email ?? null,
    discounts: [],
    expires_at: facts.expiresAt,
    integration_identifier: params.integration_identifier ?? null,
    invoice: null as string | null,
    invoice_creation: null,
    livemode: facts.livemode,
    locale: params.locale ?? null,
    managed_payments: null,
    metadata: params.metadata ?? {},
    mode: facts.mode,
    optional_items: null,
    origin_context: params.origin_context ?? null,
    payment_intent: null as string | null,
    payment_link: null as string | null,
    payment_method_collection: echo.payment_method_collection,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: allowedTypes ?? ['card'],
    payment_status: 'unpaid' as PaymentStatus,
    permissions: null,
    phone_number_collection: echo.phone_number_collection,
    recovered_from: null,
    saved_payment_method_options: echo.saved_payment_method_options,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open' as SessionStatus,
    submit_type: params.submit_type ?? null,
    subscription: null as string | null,
    success_url: params.success_url ?? null,
    tax_id_collection: echo.tax_id_collection,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    // Stored in today's name; rendered per request in the request's Stripe-Version (render-session.ts).
    ui_mode: 'hosted_page' as 'hosted_page' | 'hosted',
    url: facts.url,
    wallet_options: echo.wallet_options,
  };
}

export type SessionStatus = 'open' | 'complete' | 'expired';
export type PaymentStatus = 'paid' | 'unpaid' | 'no_payment_required';

export type CustomerDetails = {
  address: null;
  business_name: null;
  email: string | null;
  individual_name: null;
  name: string | null;
  phone: null;
  tax_exempt: 'none';
  tax_ids: [];
};

export function buildCustomerDetails(email: string | null, name: string | null = null): CustomerDetails {
  return { address: null, business_name: null, email, individual_name: null, name, phone: null, tax_exempt: 'none', tax_ids: [] };
}

export type StripeCheckoutSession = ReturnType<typeof buildCheckoutSessionObject>;
