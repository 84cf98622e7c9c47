import { toIso, toUnixSeconds } from '../clock';
import { toMajor } from '../money';
import type { ProductRecord } from '../state';

export const MERCHANT_ID = 'mer_emulator';

const asString = (value: number | null): string | null => (value === null ? null : String(value));
const asMajor = (value: number | null, currency: string): number | null => (value === null ? null : toMajor(value, currency));

const productStatus = (product: ProductRecord) => (product.active ? 'ACTIVE' : 'INACTIVE');

/** V3 product, exactly the fields of docs/loops-contract.md §3.3; Loops' amounts are strings of minor units. */
export function renderProductV3(product: ProductRecord) {
  return {
    id: product.id,
    object: 'product' as const,
    active: product.active,
    created: toUnixSeconds(product.createdMs),
    updated: toUnixSeconds(product.updatedMs),
    livemode: false,
    name: product.name,
    description: product.description,
    images: [...product.images],
    metadata: { ...product.metadata },
    default_price: product.defaultPriceId,
    type: 'service' as const,
    url: product.url,
    unit_label: product.unitLabel,
    statement_descriptor: product.statementDescriptor,
    tax_code: product.taxCode,
    amountType: product.amountType,
    priceAmount: asString(product.priceAmount),
    minimumAmount: asString(product.minimumAmount),
    presetAmount: asString(product.presetAmount),
    priceCurrency: product.priceCurrency,
    recurringInterval: product.recurringInterval,
    status: productStatus(product),
    merchantId: MERCHANT_ID,
    thumbnailUrl: product.thumbnailUrl,
  };
}

/**
 * V2 product: the contract lists only the V2 list envelope, so the object is [chosen] Loops-style
 * like V1/V2 sessions (§3.1): major-unit numbers, upper-case currency, ISO-8601 dates.
 */
export function renderProductV2(product: ProductRecord) {
  return {
    id: product.id,
    name: product.name,
    description: product.description,
    status: productStatus(product),
    active: product.active,
    amountType: product.amountType,
    priceAmount: asMajor(product.priceAmount, product.priceCurrency),
    minimumAmount: asMajor(product.minimumAmount, product.priceCurrency),
    presetAmount: asMajor(product.presetAmount, product.priceCurrency),
    priceCurrency: product.priceCurrency,
    recurringInterval: product.recurringInterval,
    defaultPriceId: product.defaultPriceId,
    images: [...product.images],
    metadata: { ...product.metadata },
    url: product.url,
    thumbnailUrl: product.thumbnailUrl,
    merchantId: MERCHANT_ID,
    createdAt: toIso(product.createdMs),
    updatedAt: toIso(product.updatedMs),
  };
}

/** Stripe-style price object of a product's `default_price`, used inside payment links (§3.4). */
export function renderPrice(product: ProductRecord) {
  const custom = product.amountType === 'CUSTOM';
  return {
    id: product.defaultPriceId,
    object: 'price' as const,
    active: product.active,
    billing_scheme: 'per_unit' as const,
    created: toUnixSeconds(product.createdMs),
    currency: product.priceCurrency.toLowerCase(),
    custom_unit_amount: custom ? { maximum: null, minimum: product.minimumAmount, preset: product.presetAmount } : null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: product.id,
    recurring: product.recurringInterval
      ? { interval: product.recurringInterval, interval_count: 1, meter: null, trial_period_days: null, usage_type: 'licensed' as const }
      : null,
    tax_behavior: 'unspecified' as const,
    tiers_mode: null,
    transform_quantity: null,
    type: product.recurringInterval ? ('recurring' as const) : ('one_time' as const),
    unit_amount: custom ? null : unitAmount(product),
    unit_amount_decimal: custom ? null : String(unitAmount(product)),
  };
}

/** What one unit costs in a checkout: FIXED → price, CUSTOM → preset (else minimum, else 0), FREE → 0. */
export function unitAmount(product: ProductRecord): number {
  if (product.amountType === 'FIXED') return product.priceAmount ?? 0;
  if (product.amountType === 'CUSTOM') return product.presetAmount ?? product.minimumAmount ?? 0;
  return 0;
}
