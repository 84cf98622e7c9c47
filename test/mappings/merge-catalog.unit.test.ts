import type { MappingEntry, MappingFile, ProductInfo } from '../../src/mappings/mapping-file';
import { describeMerge, mergeCatalog, type LiveCatalog } from '../../src/mappings/merge-catalog';

const price = (amount: number, apiRevision?: number): MappingEntry => ({
  loopsProductId: `lp_${amount}`,
  productName: 'P',
  currency: 'usd',
  unitAmount: amount,
  recurring: null,
  ...(apiRevision !== undefined ? { apiRevision } : {}),
});
const product = (name: string, apiRevision?: number): ProductInfo => ({ name, ...(apiRevision !== undefined ? { apiRevision } : {}) });
const file = (prices: Record<string, MappingEntry>, products: Record<string, ProductInfo> = {}): MappingFile => ({ version: 1, prices, products });
const live = (
  prices: Record<string, MappingEntry>,
  products: Record<string, ProductInfo> = {},
  tombstones: Record<string, number> = {},
): LiveCatalog => ({
  prices,
  products,
  tombstones,
});

describe('the merge rule of start-up and `mappings load`', () => {
  it('takes the file for imported entries: changed, added and dropped as before', () => {
    const merged = mergeCatalog(file({ a: price(200), c: price(300) }), live({ a: price(100), b: price(150) }), false);
    expect(merged.catalog.prices).toEqual({ a: price(200), c: price(300) });
    expect(merged.report).toMatchObject({ keptLive: [], keptUnexported: [], dropped: ['b'] });
    expect(merged.changed).toBe(true);
  });

  it('keeps an entry changed through the API after the file’s version of it; a file that carries that revision (an export) wins', () => {
    const changedSince = mergeCatalog(file({ a: price(200) }), live({ a: price(100, 50) }), false);
    expect(changedSince.catalog.prices.a).toEqual(price(100, 50));
    expect(changedSince.report.keptLive).toEqual(['a']);
    const olderExport = mergeCatalog(file({ a: price(200, 40) }), live({ a: price(100, 50) }), false);
    expect(olderExport.catalog.prices.a).toEqual(price(100, 50));
    // Exported at revision 50 and edited by hand: the edit applies.
    const edited = mergeCatalog(file({ a: price(200, 50) }), live({ a: price(100, 50) }), false);
    expect(edited.catalog.prices.a).toEqual(price(200, 50));
    expect(edited.report.keptLive).toEqual([]);
  });

  it('keeps what the API made and the file lacks, and does not bring back products deleted through the API', () => {
    const merged = mergeCatalog(
      file({}, { gone: product('Gone', 10), back: product('Back', 90) }),
      live({ made: price(500, 70) }, { madeProduct: product('Made', 70) }, { gone: 60, back: 80 }),
      false,
    );
    expect(merged.catalog).toEqual(file({ made: price(500, 70) }, { madeProduct: product('Made', 70), back: product('Back', 90) }));
    expect(merged.tombstones).toEqual({ gone: 60 });
    expect(merged.report).toMatchObject({ keptUnexported: ['made', 'madeProduct'], notRestored: ['gone'] });
    expect(describeMerge(merged.report)).toEqual([
      'kept 2 created or changed through the API and not in the file (run `mappings export` to commit them; `mappings load --force` drops them): made, madeProduct',
      'did not bring back 1 product(s) deleted through the API: gone',
    ]);
  });

  it('writes nothing when the store already holds the merged catalog', () => {
    const same = mergeCatalog(file({ a: price(100, 5) }, { p: product('P') }), live({ a: price(100, 5) }, { p: product('P') }), false);
    expect(same.changed).toBe(false);
  });

  it('--force: the file exactly, tombstones cleared, and what is lost is listed', () => {
    const forced = mergeCatalog(file({ a: price(200) }), live({ a: price(100, 50), made: price(5, 60) }, {}, { gone: 1 }), true);
    expect(forced.catalog.prices).toEqual({ a: price(200) });
    expect(forced.tombstones).toEqual({});
    expect(forced.report).toMatchObject({ dropped: ['made'], overwritten: ['a'] });
  });
});
