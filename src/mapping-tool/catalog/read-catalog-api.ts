import Stripe from 'stripe';
import { createCatalogBuilder, type Catalog } from './catalog';
import type { StripeHost } from './stripe-api-base';

export interface StripeApiSource {
  secretKey: string;
  /** Unset: Stripe's own API. */
  host?: StripeHost;
  includeInactive: boolean;
  /** Called every thousand objects or so: how many products and prices were read so far. */
  onProgress?: (read: { products: number; prices: number }) => void;
  /** Objects per request (default Stripe's maximum, 100); tests use small pages to see the cursors. */
  pageSize?: number;
}

/** Stripe's maximum page size: 10,000 prices are 100 requests. */
const STRIPE_PAGE_SIZE = 100;
/** Objects read between two progress reports. */
const REPORT_EVERY = 1000;

/**
 * Reads every page of products and prices with the official stripe package (its auto-pagination
 * follows `has_more` / `starting_after`). Prices come with `product` expanded, so a price of an
 * archived product still knows its product; archived prices are read only with `--include-inactive`.
 */
export async function readCatalogFromStripe(source: StripeApiSource): Promise<Catalog> {
  const stripe = new Stripe(source.secretKey, {
    ...(source.host ?? {}),
    maxNetworkRetries: 3,
    timeout: 30_000,
    telemetry: false,
    appInfo: { name: 'stripe-loops-map' },
  });
  const builder = createCatalogBuilder();
  const activeOnly = source.includeInactive ? {} : { active: true };
  const read = { products: 0, prices: 0 };
  const limit = source.pageSize ?? STRIPE_PAGE_SIZE;

  for await (const product of stripe.products.list({ limit, ...activeOnly })) {
    builder.addObject(product);
    if (++read.products % REPORT_EVERY === 0) source.onProgress?.(read);
  }
  for await (const price of stripe.prices.list({ limit, expand: ['data.product'], ...activeOnly })) {
    builder.addObject(price);
    if (++read.prices % REPORT_EVERY === 0) source.onProgress?.(read);
  }
  source.onProgress?.(read);
  return builder.build();
}
