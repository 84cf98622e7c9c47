import type { PortalFeatures, StripePortalConfiguration } from '../../stripe/objects/portal-configuration-object';
import type { ConfigurationWriteParams, FeaturesParams } from '../../stripe/params/portal-params';
import { mergeMetadata } from '../customers/apply-customer-params';

/**
 * A configuration with a create's or update's parameters applied (docs/stripe-billing-contract.md §9.2),
 * as a new object. `undefined` leaves a field as it is; `null` (an update's empty value) clears it;
 * hashes merge field by field, lists are replaced whole. A create applies its parameters to
 * `buildPortalConfigurationObject`'s blank configuration, so both paths share every rule.
 */
export function applyConfigurationParams(current: StripePortalConfiguration, params: ConfigurationWriteParams): StripePortalConfiguration {
  const next = structuredClone(current);
  if (params.business_profile) {
    for (const field of ['headline', 'privacy_policy_url', 'terms_of_service_url'] as const) {
      const value = params.business_profile[field];
      if (value !== undefined) next.business_profile[field] = value;
    }
  }
  if (params.default_return_url !== undefined) next.default_return_url = params.default_return_url;
  if (params.name !== undefined) next.name = params.name;
  if (params.active !== undefined) next.active = params.active;
  if (params.metadata !== undefined) next.metadata = mergeMetadata(next.metadata, params.metadata);
  if (params.features) next.features = applyFeatures(next.features, params.features);
  return next;
}

/** Each feature given is merged into the current one: its fields given replace, lists whole. */
function applyFeatures(current: PortalFeatures, change: FeaturesParams): PortalFeatures {
  const next = structuredClone(current);
  const set = <T extends object>(target: T, values: object) => {
    for (const [key, value] of Object.entries(values)) if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  };
  if (change.customer_update) set(next.customer_update, change.customer_update);
  if (change.invoice_history) set(next.invoice_history, change.invoice_history);
  if (change.payment_method_update) set(next.payment_method_update, change.payment_method_update);
  if (change.subscription_cancel) {
    const { cancellation_reason: reason, ...rest } = change.subscription_cancel;
    set(next.subscription_cancel, rest);
    if (reason) set(next.subscription_cancel.cancellation_reason, reason);
  }
  if (change.subscription_pause) {
    const { duration, ...rest } = change.subscription_pause;
    set(next.subscription_pause, rest);
    if (duration) {
      next.subscription_pause.duration = {
        type: duration.type,
        interval_options: (duration.interval_options ?? next.subscription_pause.duration.interval_options).map((option) => ({
          interval: option.interval,
          interval_count: option.interval_count ?? 1,
        })),
      };
    }
  }
  if (change.subscription_update) {
    const { products, schedule_at_period_end: schedule, ...rest } = change.subscription_update;
    set(next.subscription_update, rest);
    if (schedule?.conditions !== undefined) next.subscription_update.schedule_at_period_end = { conditions: schedule.conditions };
    if (products !== undefined) {
      next.subscription_update.products = products.map((product) => ({
        product: product.product,
        prices: product.prices,
        adjustable_quantity: {
          enabled: product.adjustable_quantity?.enabled ?? false,
          maximum: product.adjustable_quantity?.maximum ?? null,
          minimum: product.adjustable_quantity?.minimum ?? 1,
        },
      }));
    }
  }
  return next;
}
