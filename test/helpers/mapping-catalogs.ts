import type { SkipCode } from '../../src/mapping-tool/convert/skip-reasons';
import { stripePrice, stripeProduct, type StripeObject } from './stripe-catalog-fixtures';

export interface MixedCatalog {
  products: StripeObject[];
  prices: StripeObject[];
  /** Price id → the Loops product it must become. */
  mappable: Record<string, { amount: number; currency: string; interval: 'month' | 'year' | null }>;
  /** Price id → why it must be skipped. */
  skipped: Record<string, SkipCode>;
}

/** One price of every kind the tool maps or skips: USD, JPY (zero-decimal), KWD (three-decimal), month/year… */
export function mixedCatalog(): MixedCatalog {
  const products = [
    stripeProduct('prod_tshirt', 'T-shirt'),
    stripeProduct('prod_tea', 'Tea set', { images: ['https://images.example.com/tea.png', 'not-a-url'] }),
    stripeProduct('prod_box', 'Dinar box'),
    stripeProduct('prod_pro', 'Pro plan', { description: 'Everything, monthly or yearly' }),
    stripeProduct('prod_usage', 'API calls'),
    stripeProduct('prod_retired', 'Retired thing', { active: false }),
  ];
  const prices = [
    stripePrice('price_usd_tshirt', 'prod_tshirt', 2000, 'usd', { lookup_key: 'tshirt', nickname: 'Standard' }),
    stripePrice('price_jpy_tea', 'prod_tea', 3500, 'jpy'),
    // Three-decimal: Stripe charges KWD in steps of 10 (the last digit 0), so 5.120 maps and 5.125 is skipped.
    stripePrice('price_kwd_box', 'prod_box', 5120, 'kwd'),
    stripePrice('price_kwd_odd', 'prod_box', 5125, 'kwd'),
    // ISK: two decimals in Stripe's API, charged in whole krónur only (multiples of 100).
    stripePrice('price_isk_odd', 'prod_tea', 12345, 'isk'),
    stripePrice('price_pro_month', 'prod_pro', 900, 'usd', { recurring: { interval: 'month' } }),
    stripePrice('price_pro_year', 'prod_pro', 9000, 'usd', { recurring: { interval: 'year' } }),
    stripePrice('price_tiered', 'prod_usage', null, 'usd', { billing_scheme: 'tiered', tiers_mode: 'graduated', recurring: { interval: 'month' } }),
    stripePrice('price_metered', 'prod_usage', 5, 'usd', { recurring: { interval: 'month', usage_type: 'metered' } }),
    stripePrice('price_custom', 'prod_tshirt', null, 'usd', { custom_unit_amount: { maximum: null, minimum: 500, preset: null } }),
    stripePrice('price_daily', 'prod_pro', 100, 'usd', { recurring: { interval: 'day' } }),
    stripePrice('price_weekly', 'prod_pro', 300, 'usd', { recurring: { interval: 'week' } }),
    stripePrice('price_quarterly', 'prod_pro', 2500, 'usd', { recurring: { interval: 'month', interval_count: 3 } }),
    stripePrice('price_package', 'prod_tshirt', 1000, 'usd', { transform_quantity: { divide_by: 10, round: 'up' } }),
    stripePrice('price_odd_currency', 'prod_tshirt', 1000, 'zzz'),
    stripePrice('price_fraction', 'prod_tshirt', null, 'usd', { unit_amount_decimal: '1250.5' }),
    stripePrice('price_retired', 'prod_retired', 700, 'usd'),
  ];
  return {
    products,
    prices,
    mappable: {
      price_usd_tshirt: { amount: 2000, currency: 'usd', interval: null },
      price_jpy_tea: { amount: 3500, currency: 'jpy', interval: null },
      price_kwd_box: { amount: 5120, currency: 'kwd', interval: null },
      price_pro_month: { amount: 900, currency: 'usd', interval: 'month' },
      price_pro_year: { amount: 9000, currency: 'usd', interval: 'year' },
    },
    skipped: {
      price_tiered: 'tiered',
      price_metered: 'metered',
      price_custom: 'custom_amount',
      price_daily: 'interval',
      price_weekly: 'interval',
      price_quarterly: 'interval_count',
      price_package: 'transform_quantity',
      price_odd_currency: 'currency',
      price_fraction: 'fractional_amount',
      price_retired: 'inactive_product',
      price_kwd_odd: 'amount_precision',
      price_isk_odd: 'amount_precision',
    },
  };
}
