import { splitJsonDocuments } from '../../src/mapping-tool/catalog/json-documents';
import { parseCatalogText } from '../../src/mapping-tool/catalog/read-catalog-file';
import { stripePrice, stripeProduct } from '../helpers/stripe-catalog-fixtures';

const list = (data: unknown[], hasMore = false) => ({ object: 'list', url: '/v1/prices', has_more: hasMore, data });

describe('--from-file: the JSON Stripe prints', () => {
  const tea = stripeProduct('prod_tea', 'Tea');
  const mug = stripeProduct('prod_mug', 'Mug');

  it('reads a prices list with product expanded', () => {
    const { catalog, warnings } = parseCatalogText(JSON.stringify(list([{ ...stripePrice('price_tea', 'prod_tea', 500, 'jpy'), product: tea }])));
    expect(catalog.prices.map((p) => [p.id, p.productId, p.unit_amount, p.currency])).toEqual([['price_tea', 'prod_tea', 500, 'jpy']]);
    expect(catalog.products.get('prod_tea')?.name).toBe('Tea');
    expect(warnings).toEqual([]);
  });

  it('reads products with default_price expanded, and several documents appended to one file', () => {
    const products = list([{ ...mug, default_price: stripePrice('price_mug', 'prod_mug', 1200) }]);
    const prices = list([stripePrice('price_tea', 'prod_tea', 500, 'jpy')]);
    const text = `${JSON.stringify(products, null, 2)}\n${JSON.stringify(list([tea]))}${JSON.stringify(prices)}`;
    const { catalog } = parseCatalogText(text);
    expect(catalog.prices.map((p) => `${p.id}@${p.productId}`).sort()).toEqual(['price_mug@prod_mug', 'price_tea@prod_tea']);
    expect([...catalog.products.keys()].sort()).toEqual(['prod_mug', 'prod_tea']);
  });

  it('reads {products, prices} and plain arrays; reports what it cannot read and a truncated export', () => {
    const text = JSON.stringify({
      products: [tea],
      prices: list([stripePrice('price_tea', 'prod_tea', 500), { object: 'price', id: 'price_bad' }, { id: 'cus_1', object: 'customer' }], true),
    });
    const { catalog, warnings } = parseCatalogText(text, 'export.json');
    expect(catalog.prices.map((p) => p.id)).toEqual(['price_tea']);
    expect(catalog.unreadable.map((u) => u.id)).toEqual(['price_bad', 'cus_1']);
    expect(catalog.unreadable[1]?.problem).toContain('"customer"');
    expect(warnings).toEqual([expect.stringContaining('has_more: true')]);
  });

  it('rejects text that is not JSON, naming the file', () => {
    expect(() => parseCatalogText('{"object": "list", ', 'broken.json')).toThrow(/broken\.json is not JSON/);
    expect(() => parseCatalogText('  ', 'empty.json')).toThrow(/empty\.json is empty/);
  });

  it('splits documents without being fooled by braces inside strings', () => {
    expect(splitJsonDocuments('{"a":"}{"} [1,[2]]\n{"b":"\\"}"}')).toEqual(['{"a":"}{"}', '[1,[2]]', '{"b":"\\"}"}']);
  });
});
