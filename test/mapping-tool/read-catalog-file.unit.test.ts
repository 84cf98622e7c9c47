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

  it('reads a search result (`stripe prices search`) like a list, and warns when it has more pages', () => {
    const search = {
      object: 'search_result',
      url: '/v1/prices/search',
      has_more: true,
      next_page: 'pg_2',
      data: [{ ...stripePrice('price_tea', 'prod_tea', 500), product: tea }],
    };
    const { catalog, warnings } = parseCatalogText(JSON.stringify(search), 'search.json');
    expect(catalog.prices.map((p) => p.id)).toEqual(['price_tea']);
    expect(catalog.unreadable).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/search\.json holds a search_result page with has_more: true; later pages \(page\)/)]);
  });

  it('reads a file that starts with a UTF-8 byte order mark (PowerShell `>`)', () => {
    const { catalog } = parseCatalogText(`\uFEFF${JSON.stringify(list([{ ...stripePrice('price_tea', 'prod_tea', 500), product: tea }]))}`);
    expect(catalog.prices.map((p) => p.id)).toEqual(['price_tea']);
  });

  it('plain `stripe prices list` (product not expanded): says so and names --expand data.product', () => {
    const { catalog, warnings } = parseCatalogText(
      JSON.stringify(list([stripePrice('price_a', 'prod_tea', 500), stripePrice('price_b', 'prod_mug', 700)])),
      'prices.json',
    );
    expect(catalog.prices).toHaveLength(2);
    expect(warnings).toEqual([
      'prices.json: none of the 2 price(s) come with their product, so they cannot be mapped; export prices with `stripe prices list --expand data.product` (or append `stripe products list` output to the file)',
    ]);
    // Appending the products list fixes it.
    const fixed = parseCatalogText(`${JSON.stringify(list([stripePrice('price_a', 'prod_tea', 500)]))}\n${JSON.stringify(list([tea]))}`);
    expect(fixed.warnings).toEqual([]);
  });

  it('products with default_price only: a notice that their other prices are not in the file; no prices at all: a warning', () => {
    const products = list([{ ...mug, default_price: stripePrice('price_mug', 'prod_mug', 1200) }]);
    const { catalog, warnings, notices } = parseCatalogText(JSON.stringify(products), 'products.json');
    expect(catalog.prices.map((p) => p.id)).toEqual(['price_mug']);
    expect(warnings).toEqual([]);
    expect(notices).toEqual([
      expect.stringContaining('products.json lists products with their default_price only: any other price of those products is not in the file'),
    ]);
    expect(parseCatalogText(JSON.stringify(list([tea])), 'only-products.json').warnings).toEqual([
      'only-products.json holds no Stripe prices: nothing to map',
    ]);
  });

  it('rejects text that is not JSON, naming the file', () => {
    expect(() => parseCatalogText('{"object": "list", ', 'broken.json')).toThrow(/broken\.json is not JSON/);
    expect(() => parseCatalogText('  ', 'empty.json')).toThrow(/empty\.json is empty/);
  });

  it('splits documents without being fooled by braces inside strings', () => {
    expect(splitJsonDocuments('{"a":"}{"} [1,[2]]\n{"b":"\\"}"}')).toEqual(['{"a":"}{"}', '[1,[2]]', '{"b":"\\"}"}']);
  });
});
