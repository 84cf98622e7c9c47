import type { CreateSessionParams } from '../params/create-session-params';

/**
 * The session fields that echo what a create asked the hosted page to collect or show, shaped as
 * stripe-node 23.1.0's `Checkout.Session` types them. Loops' page collects none of it
 * (create-session-compat.ts, `unhonoured`), so every collected `value` stays null; without the
 * parameter, the field is what Stripe shows when the feature is off (test/fixtures/checkout.session.json).
 */
export function collectionFields(params: CreateSessionParams) {
  return {
    allow_promotion_codes: params.allow_promotion_codes ?? null,
    billing_address_collection: params.billing_address_collection ?? null,
    consent_collection: consentCollection(params.consent_collection),
    custom_fields: (params.custom_fields ?? []).map(customField),
    payment_method_collection: params.payment_method_collection ?? null,
    phone_number_collection: { enabled: params.phone_number_collection?.enabled ?? false },
    saved_payment_method_options: savedPaymentMethodOptions(params.saved_payment_method_options),
    tax_id_collection: {
      enabled: params.tax_id_collection?.enabled ?? false,
      required: params.tax_id_collection?.required ?? ('never' as const),
    },
    wallet_options: params.wallet_options?.link ? { link: { display: params.wallet_options.link.display ?? null } } : null,
  };
}

function consentCollection(consent: CreateSessionParams['consent_collection']) {
  if (!consent) return null;
  return {
    payment_method_reuse_agreement: consent.payment_method_reuse_agreement ? { position: consent.payment_method_reuse_agreement.position } : null,
    promotions: consent.promotions ?? null,
    terms_of_service: consent.terms_of_service ?? null,
  };
}

function savedPaymentMethodOptions(options: CreateSessionParams['saved_payment_method_options']) {
  if (!options) return null;
  return {
    allow_redisplay_filters: options.allow_redisplay_filters ?? null,
    payment_method_remove: options.payment_method_remove ?? null,
    payment_method_save: options.payment_method_save ?? null,
  };
}

type CustomFieldParams = NonNullable<CreateSessionParams['custom_fields']>[number];

function customField(field: CustomFieldParams) {
  const lengths = (text: CustomFieldParams['text']) =>
    text
      ? {
          default_value: text.default_value ?? null,
          maximum_length: text.maximum_length ?? null,
          minimum_length: text.minimum_length ?? null,
          value: null,
        }
      : undefined;
  return {
    key: field.key,
    label: { custom: field.label.custom, type: 'custom' as const },
    optional: field.optional ?? false,
    type: field.type,
    ...(field.dropdown
      ? {
          dropdown: {
            default_value: field.dropdown.default_value ?? null,
            options: field.dropdown.options.map((o) => ({ label: o.label, value: o.value })),
            value: null,
          },
        }
      : {}),
    ...(field.type === 'numeric' ? { numeric: lengths(field.numeric) ?? emptyLengths() } : {}),
    ...(field.type === 'text' ? { text: lengths(field.text) ?? emptyLengths() } : {}),
  };
}

const emptyLengths = () => ({ default_value: null, maximum_length: null, minimum_length: null, value: null });
