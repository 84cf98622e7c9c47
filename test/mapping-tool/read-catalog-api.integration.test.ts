import { readCatalogFromStripe } from '../../src/mapping-tool/catalog/read-catalog-api';
import { bulkCatalog, stripePrice, stripeProduct } from '../helpers/stripe-catalog-fixtures';
import { startStripeCatalogServer, STRIPE_CATALOG_KEY } from '../helpers/stripe-catalog-server';

/** stripe-node follows `has_more` / `starting_after` through every page of products and prices. */
describe('reading the catalog through the Stripe API, page by page', () => {
  it('with pages of 2: every cursor request is made and every object read once', async () => {
    const catalog = bulkCatalog(7, 2, 'paged');
    catalog.products.push(stripeProduct('prod_archived', 'Archived', { active: false }));
    catalog.prices.push(stripePrice('price_archived', 'prod_paged_00000', 5, 'usd', { active: false }));
    const server = await startStripeCatalogServer(catalog);
    try {
      const read = await readCatalogFromStripe({ secretKey: STRIPE_CATALOG_KEY, host: server.host, includeInactive: false, pageSize: 2 });
      expect(read.prices.map((p) => p.id).sort()).toEqual(
        catalog.prices
          .filter((p) => p.active)
          .map((p) => p.id)
          .sort(),
      );
      expect([...read.products.keys()].sort()).toEqual(
        catalog.products
          .filter((p) => p.active)
          .map((p) => p.id)
          .sort(),
      );

      // Newest first, as Stripe lists: each request after the first starts after the last id of the page before.
      const activePrices = [...catalog.prices]
        .reverse()
        .filter((p) => p.active)
        .map((p) => p.id);
      const priceRequests = server.requests.filter((r) => r.path === '/v1/prices');
      expect(priceRequests.map((r) => r.query.get('starting_after'))).toEqual([null, activePrices[1], activePrices[3], activePrices[5]]);
      expect(priceRequests.every((r) => r.query.get('limit') === '2' && r.query.get('active') === 'true')).toBe(true);
      const activeProducts = [...catalog.products]
        .reverse()
        .filter((p) => p.active)
        .map((p) => p.id);
      // Four active products: two full pages, the second saying has_more: false.
      expect(server.requests.filter((r) => r.path === '/v1/products').map((r) => r.query.get('starting_after'))).toEqual([null, activeProducts[1]]);
    } finally {
      await server.close();
    }
  });
});
