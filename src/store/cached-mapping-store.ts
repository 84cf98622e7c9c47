import type { MappingEntry, ProductInfo } from '../mappings/mapping-file';
import { BoundedCache } from './bounded-cache';
import type { MappingStore } from './mapping-store';

export const MAPPING_CACHE = {
  /**
   * How long an instance trusts a mapping it read, at most. Sooner than that, a change anywhere
   * in the tenant's catalog (another instance's `prices.update`, a `mappings load`) bumps its
   * version, which is checked at most once per `versionCheckMs`, and empties the cache.
   */
  hitSeconds: 30,
  /**
   * How often the hot path asks Redis for a tenant's catalog version (one GET): an archived price
   * stops being sold by every instance within this, while checkouts between two checks cost no
   * Redis read for their prices.
   */
  versionCheckMs: 1000,
  /** Unmapped prices are re-checked sooner, so a newly mapped price works within seconds. */
  missSeconds: 2,
  /**
   * Mappings kept per kind (prices, products), least recently used out first: a large catalog's
   * hot prices stay, and memory stays bounded (a few hundred bytes an entry).
   */
  maxFound: 10_000,
  /**
   * Misses are kept apart and capped lower: every unknown price id a client sends would otherwise
   * add an entry (one request may name 100), and a flood of them must not push real mappings out.
   */
  maxMissing: 1_000,
} as const;

interface Caches<T> {
  found: BoundedCache<T>;
  missing: BoundedCache<true>;
}

/**
 * An in-process cache in front of the shared store: the create path reads a mapping per line item,
 * and Redis would otherwise be on the hot path for data that changes a few times a day.
 */
export function createCachedMappingStore(
  inner: MappingStore,
  onLookup: (hit: boolean) => void = () => {},
  now: () => number = Date.now,
): MappingStore & { clear(): void } {
  const caches = <T>(): Caches<T> => ({
    found: new BoundedCache<T>(MAPPING_CACHE.maxFound, now),
    missing: new BoundedCache<true>(MAPPING_CACHE.maxMissing, now),
  });
  const prices = caches<MappingEntry>();
  const products = caches<ProductInfo>();
  const versions = new Map<string, { version: number; checkedAt: number }>();
  const checking = new Map<string, Promise<void>>();

  /**
   * Empties the cache when the tenant's catalog changed since it was last checked; asks at most
   * once per `versionCheckMs` (concurrent lookups share one question). If Redis cannot answer,
   * the cache keeps serving what it has (a lookup that needs Redis will say so itself).
   */
  function revalidate(tenantId: string): Promise<void> | undefined {
    const known = versions.get(tenantId);
    if (known && now() - known.checkedAt < MAPPING_CACHE.versionCheckMs) return undefined;
    const pending = checking.get(tenantId);
    if (pending) return pending;
    const check = inner
      .catalogVersion(tenantId)
      .then(
        (version) => {
          if (known && known.version !== version) clear();
          versions.set(tenantId, { version, checkedAt: now() });
        },
        () => undefined,
      )
      .finally(() => checking.delete(tenantId));
    checking.set(tenantId, check);
    return check;
  }

  async function cached<T>(cache: Caches<T>, tenantId: string, id: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const stale = revalidate(tenantId);
    if (stale) await stale;
    const key = `${tenantId}\u0000${id}`;
    if (cache.missing.get(key)) {
      onLookup(true);
      return undefined;
    }
    const found = cache.found.get(key);
    if (found) {
      onLookup(true);
      return found.value;
    }
    onLookup(false);
    // Frozen, not copied per lookup: readers share one immutable entry (a copy per line item per
    // request showed up in profiles), and a reader that tried to change it would throw.
    const value = deepFreeze(await load());
    if (value === undefined) cache.missing.set(key, true, MAPPING_CACHE.missSeconds * 1000);
    else cache.found.set(key, value, MAPPING_CACHE.hitSeconds * 1000);
    return value;
  }

  function clear(): void {
    for (const cache of [prices, products]) {
      cache.found.clear();
      cache.missing.clear();
    }
  }
  /** A write through this instance: its own readers see it at once. */
  const written = <T>(result: T): T => {
    clear();
    return result;
  };

  return {
    getPrice: (tenantId, id) => cached(prices, tenantId, id, () => inner.getPrice(tenantId, id)),
    getProduct: (tenantId, id) => cached(products, tenantId, id, () => inner.getProduct(tenantId, id)),
    allPrices: (tenantId) => inner.allPrices(tenantId),
    catalogVersion: (tenantId) => inner.catalogVersion(tenantId),
    snapshot: (tenantId) => inner.snapshot(tenantId),
    commit: async (tenantId, version, change) => written(await inner.commit(tenantId, version, change)),
    replaceAt: async (tenantId, version, file, tombstones) => written(await inner.replaceAt(tenantId, version, file, tombstones)),
    replaceAll: async (tenantId, file) => written(await inner.replaceAll(tenantId, file)),
    putEntries: async (tenantId, p, q) => written(await inner.putEntries(tenantId, p, q)),
    getAdhoc: (tenantId, hash) => inner.getAdhoc(tenantId, hash),
    putAdhoc: (tenantId, hash, product) => inner.putAdhoc(tenantId, hash, product),
    clear,
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
