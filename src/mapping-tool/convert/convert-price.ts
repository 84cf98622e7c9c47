import type { LoopsV3CreateProductBody } from '../../loops/loops-schemas';
import type { MappingEntry, ProductInfo } from '../../mappings/mapping-file';
import type { CatalogPrice } from '../catalog/catalog';
import type { StripeProductJson } from '../catalog/stripe-catalog-schemas';
import { loopsIntervalOf } from './loops-interval';
import { toLoopsPriceAmount } from './loops-money';
import { unitAmountOf } from './skip-reasons';

/** The metadata keys that tie a Loops product to its Stripe price (docs/loops-contract.md §3.3 `metadata`). */
export const LINK_METADATA = { priceId: 'stripe_price_id', productId: 'stripe_product_id' } as const;

/** A type's named fields, without the index signature a loose zod object adds. */
type KnownFields<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };

/** Everything of a mapping entry except the Loops ids, which Loops gives us. */
export type EntryDraft = Omit<KnownFields<MappingEntry>, 'loopsProductId' | 'loopsPriceId' | 'loopsPaymentLinkId'>;

export interface ConvertedPrice {
  body: LoopsV3CreateProductBody;
  draft: EntryDraft;
  /** Parts of the Stripe price Loops does not carry but that do not change what is charged. */
  notes: string[];
}

/** Loops allows 8 images (§3.3); only absolute http(s) URLs are meaningful to it. */
const MAX_IMAGES = 8;

/** What one Loops product is made from: a Stripe price's charge and its product's display fields. */
export interface LoopsProductSource {
  stripePriceId: string;
  stripeProductId: string;
  name: string;
  description?: string | null | undefined;
  images?: readonly string[] | null | undefined;
  unitLabel?: string | null | undefined;
  taxCode?: string | null | undefined;
  /** Whole minor units, as Stripe counts them. */
  unitAmount: number;
  currency: string;
  /** From `loopsIntervalOf`; undefined for a one-time price. */
  interval: 'month' | 'year' | undefined;
  /** Tags beside the two link tags (checkout's `price_data` adds its content hash). */
  extraMetadata?: Record<string, string>;
}

/**
 * The one Loops V3 product builder (docs/loops-contract.md §3.3): the mapping tool, the gateway's
 * `prices.create` / `products.create` and checkout's `price_data` all make Loops products through
 * it, so a price looks the same in Loops however it got there, and `metadata.stripe_price_id` /
 * `stripe_product_id` always tie it back (the re-check before any repeated create looks for them).
 */
export function buildLoopsProductBody(source: LoopsProductSource): LoopsV3CreateProductBody {
  const images = (source.images ?? []).filter((url) => /^https?:\/\//.test(url)).slice(0, MAX_IMAGES);
  return {
    name: source.name,
    ...(source.description ? { description: source.description } : {}),
    ...(images.length > 0 ? { images } : {}),
    metadata: { [LINK_METADATA.priceId]: source.stripePriceId, [LINK_METADATA.productId]: source.stripeProductId, ...source.extraMetadata },
    amountType: 'FIXED',
    priceAmount: toLoopsPriceAmount(source.unitAmount, source.currency),
    priceCurrency: source.currency,
    ...(source.interval ? { recurringInterval: source.interval } : {}),
    ...(source.unitLabel ? { unit_label: source.unitLabel } : {}),
    ...(source.taxCode ? { tax_code: source.taxCode } : {}),
  };
}

/** A price `skipReasonFor` accepted → the V3 product that stands for it, and its mapping entry. */
export function convertPrice(price: CatalogPrice, product: StripeProductJson): ConvertedPrice {
  const unitAmount = unitAmountOf(price);
  const interval = loopsIntervalOf(price.recurring);
  const body = buildLoopsProductBody({
    stripePriceId: price.id,
    stripeProductId: product.id,
    name: product.name || price.nickname || price.id,
    description: product.description,
    images: product.images,
    unitLabel: product.unit_label,
    taxCode: product.tax_code,
    unitAmount,
    currency: price.currency,
    interval,
  });
  const draft: EntryDraft = {
    stripeProductId: product.id,
    productName: body.name,
    productDescription: product.description ?? null,
    currency: price.currency,
    unitAmount,
    recurring: interval ? { interval, intervalCount: 1 } : null,
    active: price.active,
    nickname: price.nickname ?? null,
    lookupKey: price.lookup_key ?? null,
    taxBehavior: price.tax_behavior ?? null,
    metadata: price.metadata,
    ...(price.created !== undefined ? { created: price.created } : {}),
    // Echoed as `recurring.trial_period_days` by GET /v1/prices; Loops itself is not told.
    ...(interval && price.recurring?.trial_period_days ? { trialPeriodDays: price.recurring.trial_period_days } : {}),
  };
  return { body, draft, notes: notesFor(price) };
}

function notesFor(price: CatalogPrice): string[] {
  const notes: string[] = [];
  const others = Object.keys(price.currency_options ?? {}).filter((code) => code !== price.currency);
  if (others.length > 0) notes.push(`currency_options (${others.join(', ')}) not copied: a Loops product has one currency`);
  if (price.recurring?.trial_period_days) {
    notes.push(
      `trial_period_days ${price.recurring.trial_period_days} not sent to Loops (it has no trials); kept in the mapping file for GET /v1/prices`,
    );
  }
  if (price.recurring?.interval === 'month' && price.recurring.interval_count === 12) {
    notes.push('bills every 12 months: mapped to a yearly Loops product (the same billing dates)');
  }
  return notes;
}

/** The Stripe product as the gateway shows it (`GET /v1/products/:id`, expanded `price.product`). */
export function productInfoOf(product: StripeProductJson): ProductInfo {
  const defaultPrice = product.default_price;
  return {
    name: product.name || product.id,
    description: product.description ?? null,
    images: product.images ?? [],
    active: product.active,
    metadata: product.metadata,
    ...(product.created !== undefined ? { created: product.created } : {}),
    defaultPriceId: typeof defaultPrice === 'string' ? defaultPrice : idOf(defaultPrice),
    unitLabel: product.unit_label ?? null,
    taxCode: product.tax_code ?? null,
    ...(product.type === 'service' || product.type === 'good' ? { type: product.type } : {}),
    statementDescriptor: product.statement_descriptor ?? null,
    ...(product.updated !== undefined ? { updated: product.updated } : {}),
  };
}

function idOf(value: unknown): string | null {
  return typeof value === 'object' && value !== null && 'id' in value && typeof value.id === 'string' ? value.id : null;
}
