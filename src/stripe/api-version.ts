/** The Stripe API version the gateway renders by default: stripe-node 23.1.0's pinned version. */
export const DEFAULT_STRIPE_VERSION = '2026-10-28.endive';

/**
 * `YYYY-MM-DD`, optionally followed by the release name (`2026-10-28.endive`, `2024-06-20`): the
 * form every stripe-node version sends (docs/stripe-checkout-contract.md §2.2). Anything else is refused rather
 * than echoed, since the version decides how objects are rendered.
 */
const VERSION_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(\.[a-z][a-z0-9_]*)?$/;

export function isWellFormedStripeVersion(version: string): boolean {
  const match = VERSION_PATTERN.exec(version);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Versions compare by their date: the release name only labels it. */
const isAtLeast = (stripeVersion: string, date: string) => stripeVersion.slice(0, 10) >= date;

/** `ui_mode` values were renamed in 2026-03-25.dahlia (docs/stripe-checkout-contract.md §0.9): `hosted` → `hosted_page`. */
const HOSTED_PAGE_RENAMED_IN = '2026-03-25';

/**
 * 2026-09-30.endive removed `payment_method_types` from the create parameters in favour of
 * `allowed_payment_method_types`, which earlier versions did not have (docs/stripe-checkout-contract.md §0.9, §5.3).
 */
const ALLOWED_PAYMENT_METHOD_TYPES_IN = '2026-09-30';

export type UiMode = 'hosted_page' | 'hosted';

/** The hosted page's `ui_mode` name in a version; sessions store `hosted_page` and render through this. */
export function hostedUiMode(stripeVersion: string): UiMode {
  return isAtLeast(stripeVersion, HOSTED_PAGE_RENAMED_IN) ? 'hosted_page' : 'hosted';
}

export function usesAllowedPaymentMethodTypes(stripeVersion: string): boolean {
  return isAtLeast(stripeVersion, ALLOWED_PAYMENT_METHOD_TYPES_IN);
}

/**
 * 2025-03-31.basil removed the customer `coupon` and `promotion_code` parameters
 * (docs/stripe-billing-contract.md §3, §12): from then on they are unknown parameters.
 */
const CUSTOMER_DISCOUNT_PARAMS_REMOVED_IN = '2025-03-31';

/** 2025-09-30.clover added the customer's `business_name` and `individual_name` (docs/stripe-billing-contract.md §12). */
const CUSTOMER_NAMES_ADDED_IN = '2025-09-30';

export function hasCustomerDiscountParams(stripeVersion: string): boolean {
  return !isAtLeast(stripeVersion, CUSTOMER_DISCOUNT_PARAMS_REMOVED_IN);
}

export function hasCustomerBusinessNames(stripeVersion: string): boolean {
  return isAtLeast(stripeVersion, CUSTOMER_NAMES_ADDED_IN);
}

/**
 * The portal configuration's `features.subscription_pause` was removed in `2024-04-10` and added
 * back in `2026-10-28.endive` (docs/stripe-billing-contract.md §12).
 */
export function hasPortalSubscriptionPause(stripeVersion: string): boolean {
  return !isAtLeast(stripeVersion, '2024-04-10') || isAtLeast(stripeVersion, '2026-10-28');
}

/** 2024-04-10 renamed the product's `features` to `marketing_features` (docs/stripe-billing-contract.md §12). */
const MARKETING_FEATURES_IN = '2024-04-10';

/** The name a product's marketing features have in a version (object field and create/update parameter). */
export function productFeaturesField(stripeVersion: string): 'features' | 'marketing_features' {
  return isAtLeast(stripeVersion, MARKETING_FEATURES_IN) ? 'marketing_features' : 'features';
}
