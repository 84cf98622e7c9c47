import type { MappingEntry, ProductInfo } from '../mappings/mapping-file';
import type { MappingStore } from './mapping-store';

export const MAPPING_CACHE = {
  /** How long an instance trusts a mapping it read; another instance's `mappings load` shows within this. */
  hitSeconds: 30,
  /** Unmapped prices are re-checked sooner, so a newly mapped price works within seconds. */
  missSeconds: 2,
} as const;

/**
 * An in-process cache in front of the shared store: the create path reads a mapping per line item,
 * and Redis would otherwise be on the hot path for data that changes a few times a day.
 */
export function createCachedMappingStore(
  inner: MappingStore,
  onLookup: (hit: boolean) => void = () => {},
  now: () => number = Date.now,
): MappingStore & { clear(): void } {
  const prices = new Map<string, { value: MappingEntry | undefined; until: number }>();
  const products = new Map<string, { value: ProductInfo | undefined; until: number }>();

  async function cached<T>(cache: Map<string, { value: T | undefined; until: number }>, key: string, load: () => Promise<T | undefined>) {
    const found = cache.get(key);
    if (found && found.until > now()) {
      onLookup(true);
      return found.value;
    }
    onLookup(false);
    // Frozen, not copied per lookup: readers share one immutable entry (a copy per line item per
    // request showed up in profiles), and a reader that tried to change it would throw.
    const value = deepFreeze(await load());
    cache.set(key, { value, until: now() + (value === undefined ? MAPPING_CACHE.missSeconds : MAPPING_CACHE.hitSeconds) * 1000 });
    return value;
  }

  const clear = () => {
    prices.clear();
    products.clear();
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
