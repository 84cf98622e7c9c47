/** What the gateway knows about a price, from a mapping entry or from `price_data`. */
export interface PriceFacts {
  id: string;
  productId: string;
  currency: string;
  unitAmount: number;
  recurring: { interval: 'day' | 'week' | 'month' | 'year'; intervalCount: number; trialPeriodDays?: number | null } | null;
  active?: boolean;
  created?: number;
  nickname?: string | null;
  lookupKey?: string | null;
  taxBehavior?: 'exclusive' | 'inclusive' | 'unspecified' | null;
  metadata?: Record<string, string>;
}

/**
 * Stripe's `price` object (docs/stripe-checkout-contract.md §5.4). Decimal fields are strings: stripe-node casts
 * `unit_amount_decimal` to Stripe.Decimal and throws on anything non-numeric.
 */
export function buildPriceObject(price: PriceFacts, livemode: boolean) {
  return {
    id: price.id,
    object: 'price' as const,
    active: price.active ?? true,
    billing_scheme: 'per_unit' as const,
    created: price.created ?? 0,
    currency: price.currency,
    custom_unit_amount: null,
    livemode,
    lookup_key: price.lookupKey ?? null,
    metadata: price.metadata ?? {},
    nickname: price.nickname ?? null,
    product: price.productId,
    recurring: price.recurring
      ? {
          interval: price.recurring.interval,
          interval_count: price.recurring.intervalCount,
          meter: null,
          trial_period_days: price.recurring.trialPeriodDays ?? null,
          usage_type: 'licensed' as const,
        }
      : null,
    tax_behavior: price.taxBehavior ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: price.recurring ? ('recurring' as const) : ('one_time' as const),
    unit_amount: price.unitAmount,
    unit_amount_decimal: String(price.unitAmount),
  };
}

export type StripePrice = ReturnType<typeof buildPriceObject>;
