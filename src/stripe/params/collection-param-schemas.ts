import { z } from 'zod';
import { boolean, integer, list, oneOf, optional, text } from './param-schemas';

/**
 * Schemas of the create parameters that ask Stripe's hosted page to collect or show something
 * (docs/stripe-checkout-contract.md §5.3, stripe-node 23.1.0 `SessionCreateParams`). The gateway accepts and
 * echoes them without honouring them (create-session-compat.ts, `unhonoured`), so they are
 * validated as strictly as Stripe does: what is echoed must be what Stripe would have echoed.
 */
const enabledOnly = z.object({ enabled: boolean() }).strict();

const customFieldText = z
  .object({ default_value: optional(text(255)), maximum_length: optional(integer(1, 255)), minimum_length: optional(integer(1, 255)) })
  .strict();

const customField = z
  .object({
    key: text(200).min(1),
    label: z.object({ custom: text(50).min(1), type: z.literal('custom') }).strict(),
    type: oneOf(['dropdown', 'numeric', 'text']),
    optional: optional(boolean()),
    dropdown: optional(
      z
        .object({
          default_value: optional(text(100)),
          options: list(z.object({ label: text(100).min(1), value: text(100).min(1) }).strict(), 200),
        })
        .strict(),
    ),
    numeric: optional(customFieldText),
    text: optional(customFieldText),
  })
  .strict();

/** Stripe allows three custom fields per session. */
export const MAX_CUSTOM_FIELDS = 3;

export const collectionParamSchemas = {
  allow_promotion_codes: optional(boolean()),
  billing_address_collection: optional(oneOf(['auto', 'required'])),
  branding_settings: optional(
    z
      .object({
        background_color: optional(text(20)),
        border_style: optional(oneOf(['pill', 'rectangular', 'rounded'])),
        button_color: optional(text(20)),
        display_name: optional(text(100)),
        font_family: optional(text(50)),
        icon: optional(z.object({ type: oneOf(['file', 'url']), file: optional(text(255)), url: optional(text(2000)) }).strict()),
        logo: optional(z.object({ type: oneOf(['file', 'url']), file: optional(text(255)), url: optional(text(2000)) }).strict()),
      })
      .strict(),
  ),
  consent_collection: optional(
    z
      .object({
        payment_method_reuse_agreement: optional(z.object({ position: oneOf(['auto', 'hidden']) }).strict()),
        promotions: optional(oneOf(['auto', 'none'])),
        terms_of_service: optional(oneOf(['none', 'required'])),
      })
      .strict(),
  ),
  custom_fields: optional(list(customField, MAX_CUSTOM_FIELDS)),
  customer_update: optional(
    z
      .object({ address: optional(oneOf(['auto', 'never'])), name: optional(oneOf(['auto', 'never'])), shipping: optional(oneOf(['auto', 'never'])) })
      .strict(),
  ),
  name_collection: optional(
    z
      .object({
        business: optional(z.object({ enabled: boolean(), optional: optional(boolean()) }).strict()),
        individual: optional(z.object({ enabled: boolean(), optional: optional(boolean()) }).strict()),
      })
      .strict(),
  ),
  payment_method_collection: optional(oneOf(['always', 'if_required'])),
  phone_number_collection: optional(enabledOnly),
  saved_payment_method_options: optional(
    z
      .object({
        allow_redisplay_filters: optional(list(oneOf(['always', 'limited', 'unspecified']), 3)),
        payment_method_remove: optional(oneOf(['disabled', 'enabled'])),
        payment_method_save: optional(oneOf(['disabled', 'enabled'])),
      })
      .strict(),
  ),
  tax_id_collection: optional(z.object({ enabled: boolean(), required: optional(oneOf(['if_supported', 'never'])) }).strict()),
  wallet_options: optional(z.object({ link: optional(z.object({ display: optional(oneOf(['auto', 'never'])) }).strict()) }).strict()),
};
