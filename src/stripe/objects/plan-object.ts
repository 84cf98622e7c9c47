import type { StoredPrice } from '../../store/subscription-record';

/**
 * Stripe's legacy `plan` (docs/stripe-billing-contract.md §0.3, §5), which every subscription item (and
 * every pre-basil invoice line) still carries beside its `price`: a mirror of the price, its id the
 * `price_…` id, `amount` the unit amount. Decimals are strings (§0.4: stripe-node coerces them).
 */
export function buildPlanObject(price: StoredPrice) {
  return {
    id: price.id,
    object: 'plan' as const,
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount === null ? null : String(price.unit_amount),
    billing_scheme: 'per_unit' as const,
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval ?? 'month',
    interval_count: price.recurring?.interval_count ?? 1,
    livemode: price.livemode,
    metadata: price.metadata,
    meter: null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: price.recurring?.trial_period_days ?? null,
    usage_type: 'licensed' as const,
  };
}
