import { z } from 'zod';
import { paginationShape } from './list-params';
import type { ParamBag, ParamValue } from './param-bag';
import { boolean, httpUrl, integer, list, metadata, oneOf, optional, text, emptyable } from './param-schemas';
import { PORTAL_CONFIGURATION_PARAMS, PORTAL_SESSION_PARAMS } from './portal-compat';
import { rejectUnsupported } from './reject-unsupported';
import { validateParams } from './validate-params';

/**
 * Billing portal parameters (docs/stripe-billing-contract.md §9; stripe-node 23.1.0
 * `BillingPortal.SessionCreateParams` and `ConfigurationCreateParams` / `UpdateParams`). A
 * configuration's create and update share one shape; they differ in what `enabled` requires and in
 * what an empty value means: on create `name=` is "not set", on update it clears the field (null,
 * or an empty list for `Emptyable` lists), so an update's empty value parses to null or [].
 */
type Mode = 'create' | 'update';

const rejected = optional(z.custom<ParamValue>());

/** An `Emptyable<Array>`: `field=` is the empty list. */
function emptyableList<T extends z.ZodType>(item: T, maxItems: number) {
  // A preprocess rather than a union, so a list over its cap reports the cap, not "Invalid input".
  return z.preprocess((value) => (value === '' ? [] : value), list(item, maxItems)).optional();
}

const CUSTOMER_UPDATES = ['address', 'email', 'name', 'phone', 'shipping', 'tax_id'] as const;
const CANCELLATION_REASONS = [
  'customer_service',
  'low_quality',
  'missing_features',
  'other',
  'switched_service',
  'too_complex',
  'too_expensive',
  'unused',
] as const;
const PRORATION = ['always_invoice', 'create_prorations', 'none'] as const;

/** `features[…]`: on create each feature given needs `enabled` (but `subscription_pause`); on update only two do. */
function featuresShape(mode: Mode) {
  const enabled = (requiredOnUpdate = false) => (mode === 'create' || requiredOnUpdate ? boolean() : optional(boolean()));
  return z
    .object({
      customer_update: optional(z.object({ enabled: enabled(), allowed_updates: emptyableList(oneOf(CUSTOMER_UPDATES), 6) }).strict()),
      invoice_history: optional(z.object({ enabled: enabled(true) }).strict()),
      payment_method_update: optional(z.object({ enabled: enabled(true), payment_method_configuration: emptyable(text(255), 'update') }).strict()),
      subscription_cancel: optional(
        z
          .object({
            enabled: enabled(),
            mode: optional(oneOf(['at_period_end', 'immediately'])),
            proration_behavior: optional(oneOf(PRORATION)),
            cancellation_reason: optional(
              z
                .object({
                  enabled: boolean(),
                  options:
                    mode === 'create'
                      ? z.preprocess((value) => (value === '' ? [] : value), list(oneOf(CANCELLATION_REASONS), 8))
                      : emptyableList(oneOf(CANCELLATION_REASONS), 8),
                  feedback_options: emptyableList(text(5000), 20),
                })
                .strict(),
            ),
          })
          .strict(),
      ),
      subscription_pause: optional(
        z
          .object({
            enabled: optional(boolean()),
            duration: optional(
              z
                .object({
                  type: oneOf(['indefinite', 'interval_options']),
                  interval_options: emptyableList(
                    z.object({ interval: oneOf(['day', 'week', 'month', 'year']), interval_count: optional(integer(1, 1000)) }).strict(),
                    10,
                  ),
                })
                .strict(),
            ),
          })
          .strict(),
      ),
      subscription_update: optional(
        z
          .object({
            enabled: enabled(),
            billing_cycle_anchor: optional(oneOf(['now', 'unchanged'])),
            default_allowed_updates: emptyableList(oneOf(['price', 'promotion_code', 'quantity']), 3),
            products: emptyableList(
              z
                .object({
                  product: text(255).min(1),
                  prices: list(text(255).min(1), 100),
                  adjustable_quantity: optional(
                    z.object({ enabled: boolean(), maximum: optional(integer(1, 99_999)), minimum: optional(integer(0, 99_999)) }).strict(),
                  ),
                })
                .strict(),
              10,
            ),
            proration_behavior: optional(oneOf(PRORATION)),
            schedule_at_period_end: optional(
              z
                .object({ conditions: emptyableList(z.object({ type: oneOf(['decreasing_item_amount', 'shortening_interval']) }).strict(), 2) })
                .strict(),
            ),
            trial_update_behavior: optional(oneOf(['continue_trial', 'end_trial'])),
          })
          .strict(),
      ),
    })
    .strict();
}

function configurationShape(mode: Mode) {
  return {
    business_profile: optional(
      z
        .object({
          headline: emptyable(text(60), 'update'),
          privacy_policy_url: emptyable(httpUrl(), mode),
          terms_of_service_url: emptyable(httpUrl(), mode),
        })
        .strict(),
    ),
    default_return_url: emptyable(httpUrl(), 'update'),
    expand: optional(list(text(500), 20)),
    login_page: optional(z.object({ enabled: boolean() }).strict()),
    // `metadata=` clears every key on update; on create it is "not set". `metadata[k]=` unsets k.
    metadata: mode === 'create' ? optional(metadata()) : z.union([z.literal(''), metadata()]).optional(),
    name: emptyable(text(256), 'update'),
  };
}

export const createConfigurationSchema = z.object({ ...configurationShape('create'), features: featuresShape('create') }).strict();
export const updateConfigurationSchema = z
  .object({ ...configurationShape('update'), features: optional(featuresShape('update')), active: optional(boolean()) })
  .strict();

export type CreateConfigurationParams = z.output<typeof createConfigurationSchema>;
export type UpdateConfigurationParams = z.output<typeof updateConfigurationSchema>;
/** What create and update share, as `applyConfigurationParams` reads it (null: cleared). */
export type ConfigurationWriteParams = Omit<UpdateConfigurationParams, 'active'> & { active?: boolean };
export type FeaturesParams = NonNullable<UpdateConfigurationParams['features']>;

export function parseCreateConfigurationParams(bag: ParamBag): CreateConfigurationParams {
  const params = validateParams(createConfigurationSchema, bag);
  rejectUnsupported(bag, PORTAL_CONFIGURATION_PARAMS, []);
  return params;
}

export function parseUpdateConfigurationParams(bag: ParamBag): UpdateConfigurationParams {
  const params = validateParams(updateConfigurationSchema, bag);
  rejectUnsupported(bag, PORTAL_CONFIGURATION_PARAMS, []);
  return params;
}

/** `GET /v1/billing_portal/configurations`: `active`, `is_default`, cursors. */
export const listConfigurationsSchema = z.object({ ...paginationShape, active: optional(boolean()), is_default: optional(boolean()) }).strict();
export type ListConfigurationsParams = z.output<typeof listConfigurationsSchema>;

/** `POST /v1/billing_portal/sessions` (§9.1). What Loops' portal cannot do is refused by the compat table. */
export const createPortalSessionSchema = z
  .object({
    customer: optional(text(255)),
    return_url: optional(httpUrl()),
    configuration: optional(text(255)),
    locale: optional(text(10)),
    expand: optional(list(text(500), 20)),
    after_expiration: rejected,
    customer_account: rejected,
    flow_data: rejected,
    on_behalf_of: rejected,
  })
  .strict();
export type CreatePortalSessionParams = z.output<typeof createPortalSessionSchema>;

export function parseCreatePortalSessionParams(bag: ParamBag): CreatePortalSessionParams {
  const params = validateParams(createPortalSessionSchema, bag);
  rejectUnsupported(bag, PORTAL_SESSION_PARAMS, []);
  return params;
}
