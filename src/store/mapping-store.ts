import { z } from 'zod';
import type { MappingEntry, MappingFile, ProductInfo } from '../mappings/mapping-file';

/**
 * A Loops product the gateway made for a `price_data` line item, keyed by the price's content.
 * `created` (unix seconds, the Loops product's) is the ad-hoc price's stable `created`; entries
 * written before it was kept have none.
 */
export const adhocProductSchema = z.object({ loopsProductId: z.string(), loopsPriceId: z.string().nullable(), created: z.number().int().optional() });
export type AdhocProduct = z.infer<typeof adhocProductSchema>;

/**
 * Stripe id → Loops id mappings per tenant. The files in `mappings/` are the source of truth;
 * this is the shared cache every gateway instance reads (Redis), or the sandbox's memory.
 */
export interface MappingStore {
  getPrice(tenantId: string, stripePriceId: string): Promise<MappingEntry | undefined>;
  getProduct(tenantId: string, stripeProductId: string): Promise<ProductInfo | undefined>;
  /** All price mappings (for `GET /v1/prices` and `mappings verify`). */
  allPrices(tenantId: string): Promise<Record<string, MappingEntry>>;
  /** Replaces the tenant's whole mapping at once (`mappings load`). */
  replaceAll(tenantId: string, file: MappingFile): Promise<void>;
  /** Adds or changes some entries (the batch tool, after each batch). */
  putEntries(tenantId: string, prices: Record<string, MappingEntry>, products: Record<string, ProductInfo>): Promise<void>;
  getAdhoc(tenantId: string, contentHash: string): Promise<AdhocProduct | undefined>;
  putAdhoc(tenantId: string, contentHash: string, product: AdhocProduct): Promise<void>;
}
