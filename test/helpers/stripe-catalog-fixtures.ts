/**
 * Stripe `product` and `price` objects as the API returns them (every field of API version
 * 2025-era objects the mapping tool or stripe-node may look at), for the test catalog server.
 */
export type StripeObject = Record<string, unknown> & { id: string };

let clock = 1_700_000_000;

export function stripeProduct(id: string, name: string, extra: Record<string, unknown> = {}): StripeObject {
  const created = clock++;
  return {
    id,
    object: 'product',
    active: true,
    created,
    default_price: null,
    description: `${name} description`,
    images: [`https://images.example.com/${id}.png`],
    livemode: false,
    marketing_features: [],
    metadata: {},
    name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    type: 'service',
    unit_label: null,
    updated: created,
    url: null,
    ...extra,
  };
}

export function stripePrice(
  id: string,
  product: string,
  unitAmount: number | null,
  currency = 'usd',
  extra: Record<string, unknown> = {},
): StripeObject {
  const recurring = (extra.recurring ?? null) as Record<string, unknown> | null;
  return {
    id,
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created: clock++,
    currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product,
    recurring: recurring ? { interval_count: 1, meter: null, trial_period_days: null, usage_type: 'licensed', ...recurring } : null,
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: unitAmount,
    unit_amount_decimal: unitAmount === null ? null : String(unitAmount),
    ...extra,
    ...(recurring ? { recurring: { interval_count: 1, meter: null, trial_period_days: null, usage_type: 'licensed', ...recurring } } : {}),
  };
}

/** `n` one-time USD prices on `n / perProduct` products: `price_bulk_00001`… for volume tests. */
export function bulkCatalog(n: number, perProduct = 4, prefix = 'bulk'): { products: StripeObject[]; prices: StripeObject[] } {
  const products: StripeObject[] = [];
  const prices: StripeObject[] = [];
  for (let i = 0; i < n; i++) {
    const productIndex = Math.floor(i / perProduct);
    const productId = `prod_${prefix}_${String(productIndex).padStart(5, '0')}`;
    if (i % perProduct === 0) products.push(stripeProduct(productId, `Product ${productIndex}`));
    prices.push(stripePrice(`price_${prefix}_${String(i).padStart(5, '0')}`, productId, 100 + i));
  }
  return { products, prices };
}
