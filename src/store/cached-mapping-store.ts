import type { MappingEntry, ProductInfo } from '../mappings/mapping-file';
import { BoundedCache } from './bounded-cache';
import type { MappingStore } from './mapping-store';

export const MAPPING_CACHE = {
  /** How long an instance trusts a mapping it read; another instance's `mappings load` shows within this. */
  hitSeconds: 30,
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

  async function cached<T>(cache: Caches<T>, key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
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

  const clear = () => {
    for (const cache of [prices, products]) {
      cache.found.clear();
      cache.missing.clear();
    }
  };

  return {
    getPrice: (tenantId, id) => cached(prices, `${tenantId}\u0000${id}`, () => inner.getPrice(tenantId, id)),
    getProduct: (tenantId, id) => cached(products, `${tenantId}\u0000${id}`, () => inner.getProduct(tenantId, id)),
    allPrices: (tenantId) => inner.allPrices(tenantId),
    replaceAll: async (tenantId, file) => {
      await inner.replaceAll(tenantId, file);
      clear();
    },
    putEntries: async (tenantId, p, q) => {
      await inner.putEntries(tenantId, p, q);
      clear();
    },
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
