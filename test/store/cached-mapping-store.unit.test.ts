import type { MappingEntry } from '../../src/mappings/mapping-file';
import { BoundedCache } from '../../src/store/bounded-cache';
import { createCachedMappingStore, MAPPING_CACHE } from '../../src/store/cached-mapping-store';
import { createMemoryMappingStore } from '../../src/store/memory-mapping-store';

const ENTRY: MappingEntry = { loopsProductId: 'prod_l', productName: 'Mug', currency: 'usd', unitAmount: 1250, recurring: null };

describe('BoundedCache', () => {
  it('evicts the least recently used entry at its cap, and expired entries when read', () => {
    let now = 0;
    const cache = new BoundedCache<string>(2, () => now);
    cache.set('a', 'A', 1000);
    cache.set('b', 'B', 1000);
    expect(cache.get('a')).toEqual({ value: 'A' }); // a is now the most recent
    cache.set('c', 'C', 1000);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(2);
    now = 1000;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(1);
  });
});

describe('cached mapping store', () => {
  function setup() {
    let now = 0;
    const inner = createMemoryMappingStore();
    const loads: string[] = [];
    const counting = { ...inner, getPrice: (tenantId: string, id: string) => (loads.push(id), inner.getPrice(tenantId, id)) };
    const store = createCachedMappingStore(
      counting,
      () => {},
      () => now,
    );
    return { inner, store, loads, advance: (ms: number) => (now += ms) };
  }

  it('misses cannot grow the cache without bound, nor push real mappings out', async () => {
    const { inner, store, loads } = setup();
    await inner.putEntries('t', { price_real: ENTRY }, {});
    expect(await store.getPrice('t', 'price_real')).toEqual(ENTRY);
    for (let i = 0; i < MAPPING_CACHE.maxMissing * 3; i++) expect(await store.getPrice('t', `price_unknown_${i}`)).toBeUndefined();
    loads.length = 0;
    expect(await store.getPrice('t', 'price_real')).toEqual(ENTRY);
    expect(loads).toEqual([]); // still cached
    // The oldest misses were evicted: asking again loads them.
    await store.getPrice('t', 'price_unknown_0');
    expect(loads).toEqual(['price_unknown_0']);
  });

  it('found mappings are capped too, least recently used out first', async () => {
    const { inner, store, loads } = setup();
    const prices = Object.fromEntries(Array.from({ length: MAPPING_CACHE.maxFound + 1 }, (_, i) => [`price_${i}`, ENTRY]));
    await inner.putEntries('t', prices, {});
    for (const id of Object.keys(prices)) await store.getPrice('t', id);
    loads.length = 0;
    await store.getPrice('t', `price_${MAPPING_CACHE.maxFound}`);
    await store.getPrice('t', 'price_0');
    expect(loads).toEqual(['price_0']);
  });

  it('entries expire: a miss after missSeconds, a mapping after hitSeconds', async () => {
    const { inner, store, loads, advance } = setup();
    expect(await store.getPrice('t', 'price_later')).toBeUndefined();
    await inner.putEntries('t', { price_later: ENTRY }, {});
    advance(MAPPING_CACHE.missSeconds * 1000);
    expect(await store.getPrice('t', 'price_later')).toEqual(ENTRY);
    loads.length = 0;
    advance(MAPPING_CACHE.hitSeconds * 1000 - 1);
    await store.getPrice('t', 'price_later');
    expect(loads).toEqual([]);
    advance(1);
    await store.getPrice('t', 'price_later');
    expect(loads).toEqual(['price_later']);
  });

  it('a write by another instance empties the cache within versionCheckMs, at one version read per interval', async () => {
    const inner = createMemoryMappingStore();
    const versionReads: string[] = [];
    let now = 0;
    const watched = createCachedMappingStore(
      { ...inner, catalogVersion: (tenantId) => (versionReads.push(tenantId), inner.catalogVersion(tenantId)) },
      () => {},
      () => now,
    );
    await inner.putEntries('t', { price_a: ENTRY }, {});
    expect(await watched.getPrice('t', 'price_a')).toEqual(ENTRY);
    // Another instance archives the price: its own cache is cleared, this one's is not yet.
    const version = await inner.catalogVersion('t');
    await inner.commit('t', version, { prices: { price_a: { ...ENTRY, active: false } } });
    await Promise.all(Array.from({ length: 20 }, () => watched.getPrice('t', 'price_a')));
    expect((await watched.getPrice('t', 'price_a'))?.active).toBeUndefined();
    expect(versionReads).toEqual(['t']);
    now += MAPPING_CACHE.versionCheckMs;
    expect((await watched.getPrice('t', 'price_a'))?.active).toBe(false);
    expect(versionReads).toEqual(['t', 't']);
  });
});
