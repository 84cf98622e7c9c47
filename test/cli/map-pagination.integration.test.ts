import { bulkCatalog } from '../helpers/stripe-catalog-fixtures';
import { startMappingHarness, type MappingHarness } from '../helpers/mapping-harness';

/**
 * A catalog larger than two of Stripe's largest pages (100): the CLI, through stripe-node, reads
 * every page of products and prices, and maps every price.
 */
describe('map: a catalog of several Stripe pages', () => {
  const PRICES = 250;
  const catalog = bulkCatalog(PRICES, 2, 'pages');
  let h: MappingHarness;

  beforeAll(async () => {
    h = await startMappingHarness(catalog, false);
  });
  afterAll(() => h.close());

  it('follows starting_after through all three pages of prices and of products, and maps all 250 prices', async () => {
    const run = await h.map(['--concurrency', '16', '--no-load']);
    expect(run.code).toBe(0);
    expect(run.result?.counts).toMatchObject({ total: PRICES, created: PRICES, skipped: 0, failed: 0 });

    // The catalog server lists newest first, as Stripe does.
    const newestFirst = (ids: string[]) => [...ids].reverse();
    const prices = newestFirst(catalog.prices.map((p) => p.id));
    const priceRequests = h.stripe.requests.filter((r) => r.path === '/v1/prices');
    expect(priceRequests.map((r) => r.query.get('starting_after'))).toEqual([null, prices[99], prices[199]]);
    const products = newestFirst(catalog.products.map((p) => p.id));
    const productRequests = h.stripe.requests.filter((r) => r.path === '/v1/products');
    expect(productRequests.map((r) => r.query.get('starting_after'))).toEqual([null, products[99]]);

    expect(Object.keys(h.mappingFile()?.prices ?? {}).sort()).toEqual([...prices].sort());
    expect(await h.productsCreated()).toBe(PRICES);
    const byPrice = await h.loopsProductsByPrice();
    expect(byPrice.size).toBe(PRICES);
  });
});
