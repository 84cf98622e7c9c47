import { z } from 'zod';
import type { MappingEntry, MappingFile, ProductInfo } from '../mappings/mapping-file';
import type { StoredEvent } from './event-store';
import type { IdempotentAnswer } from './session-store';

/**
 * A Loops product the gateway made for a `price_data` line item, keyed by the price's content.
 * `created` (unix seconds, the Loops product's) is the ad-hoc price's stable `created`; entries
 * written before it was kept have none.
 */
export const adhocProductSchema = z.object({ loopsProductId: z.string(), loopsPriceId: z.string().nullable(), created: z.number().int().optional() });
export type AdhocProduct = z.infer<typeof adhocProductSchema>;

/** Products deleted through the API: id → when (ms). At most this many are remembered per tenant. */
export const MAX_TOMBSTONES = 10_000;

/**
 * A tenant's whole catalog read in one consistent step, with the version it was read at. Every
 * write bumps the version, so a snapshot is exactly the catalog while the version is unchanged.
 */
export interface CatalogSnapshot {
  version: number;
  prices: Record<string, MappingEntry>;
  products: Record<string, ProductInfo>;
  tombstones: Record<string, number>;
}

/** One change of a tenant's catalog made through the API, with what announces it. */
export interface CatalogChange {
  prices?: Record<string, MappingEntry>;
  products?: Record<string, ProductInfo>;
  /** Products deleted: id → when (ms); each leaves a tombstone. */
  deletedProducts?: Record<string, number>;
  /** Recorded (log, list, outbox) in the same atomic step, as a session's events are. */
  events?: StoredEvent[];
  /** The request's idempotent answer, stored with the change (as a session insert stores it). */
  answer?: IdempotentAnswer;
}

/**
 * Stripe id → Loops id mappings per tenant: the catalog. Files in `mappings/` seed it and
 * `mappings export` writes it back; the API changes it (docs/mappings.md "One catalog"). This is
 * the shared store every gateway instance reads (Redis), or the sandbox's memory.
 */
export interface MappingStore {
  getPrice(tenantId: string, stripePriceId: string): Promise<MappingEntry | undefined>;
  getProduct(tenantId: string, stripeProductId: string): Promise<ProductInfo | undefined>;
  /** All price mappings (for `mappings verify`). */
  allPrices(tenantId: string): Promise<Record<string, MappingEntry>>;
  /** The catalog's version (0 before the first write): cheap, for revalidating caches. */
  catalogVersion(tenantId: string): Promise<number>;
  snapshot(tenantId: string): Promise<CatalogSnapshot>;
  /**
   * Applies `change` and records its events in one atomic step if the catalog is still at
   * `version`; false (nothing written) when another write came first.
   */
  commit(tenantId: string, version: number, change: CatalogChange): Promise<boolean>;
  /**
   * Swaps in a whole catalog (a merged file load) if still at `version`, in one step: readers see
   * the old or the new catalog, never half of one. False (nothing written) when another write came first.
   */
  replaceAt(tenantId: string, version: number, file: MappingFile, tombstones: Record<string, number>): Promise<boolean>;
  /** Replaces the tenant's whole catalog with the file, exactly (`mappings load --force`, tests, the sandbox). */
  replaceAll(tenantId: string, file: MappingFile): Promise<void>;
  /**
   * Adds or changes some entries (the batch tool, after each batch). An entry changed through the
   * API more recently than the incoming one (a higher `apiRevision`, or the incoming has none),
   * and a product deleted through the API, are kept as they are: their ids are returned.
   */
  putEntries(tenantId: string, prices: Record<string, MappingEntry>, products: Record<string, ProductInfo>): Promise<string[]>;
  getAdhoc(tenantId: string, contentHash: string): Promise<AdhocProduct | undefined>;
  putAdhoc(tenantId: string, contentHash: string, product: AdhocProduct): Promise<void>;
}

/** Whether an incoming entry may overwrite a stored one (see `putEntries`). */
export function apiChangeIsNewer(stored: { apiRevision?: number | undefined } | undefined, incoming: { apiRevision?: number | undefined }): boolean {
  return stored?.apiRevision !== undefined && (incoming.apiRevision === undefined || incoming.apiRevision < stored.apiRevision);
}
