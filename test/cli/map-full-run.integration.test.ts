import Redis from 'ioredis';
import { createRedisMappingStore } from '../../src/store/redis-mapping-store';
import { tenantKeys } from '../../src/store/keys';
import { mixedCatalog } from '../helpers/mapping-catalogs';
import { startMappingHarness, type MappingHarness } from '../helpers/mapping-harness';

/**
 * The whole tool as a merchant runs it: `npm run map` as a child process reads the catalog through
 * stripe-node from a Stripe-compatible server, creates Loops products in the emulator, writes the
 * mapping file and loads Redis; then a second run changes nothing.
 */
describe('map: a full run, then a second run', () => {
  const catalog = mixedCatalog();
  const SKIPPED = Object.keys(catalog.skipped).length;
  let h: MappingHarness;
  let redis: Redis;

  beforeAll(async () => {
    h = await startMappingHarness(catalog);
    redis = new Redis(h.env.REDIS_URL ?? '', { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await redis.quit();
    await h.close();
  });

  it('creates one Loops product per mappable price, skips the rest with reasons, writes the file and loads Redis', async () => {
    const run = await h.cli('map-products', ['--concurrency', '3']);
    expect(run.stderr).not.toMatch(/Error|at .*\.ts:/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/created\s+5\s/);
    expect(run.stdout).toMatch(new RegExp(`skipped\\s+${SKIPPED}\\s`));
    expect(run.stdout).toMatch(/failed\s+0\s/);
    for (const [priceId, code] of Object.entries(catalog.skipped)) {
      expect(run.stdout).toContain(`Skipped: ${code}`);
      expect(run.stdout).toContain(priceId);
    }
    // One page of 100 holds this catalog (more pages: map-pagination.integration.test.ts); active
    // prices only, with their product expanded.
    const priceLists = h.stripe.requests.filter((r) => r.path === '/v1/prices');
    expect(priceLists).toHaveLength(1);
    expect(priceLists[0]?.query.get('limit')).toBe('100');
    expect(priceLists[0]?.query.get('active')).toBe('true');
    expect(priceLists[0]?.query.get('expand[0]')).toBe('data.product');

    expect(await h.productsCreated()).toBe(5);
    const file = h.mappingFile();
    expect(Object.keys(file?.prices ?? {}).sort()).toEqual(Object.keys(catalog.mappable).sort());
    for (const [priceId, expected] of Object.entries(catalog.mappable)) {
      const entry = file?.prices[priceId];
      expect(entry).toMatchObject({ unitAmount: expected.amount, currency: expected.currency, stripeProductId: expect.stringMatching(/^prod_/) });
      expect(entry?.recurring).toEqual(expected.interval ? { interval: expected.interval, intervalCount: 1 } : null);
      const product = (await h.loops.api('GET', `/api/v3/products/${entry?.loopsProductId ?? ''}`)).json;
      expect(product).toMatchObject({
        priceAmount: String(expected.amount),
        priceCurrency: expected.currency.toUpperCase(),
        recurringInterval: expected.interval,
        default_price: entry?.loopsPriceId,
        metadata: { stripe_price_id: priceId, stripe_product_id: entry?.stripeProductId },
      });
    }
    expect(file?.prices.price_usd_tshirt).toMatchObject({ productName: 'T-shirt', lookupKey: 'tshirt', nickname: 'Standard' });
    expect(file?.products.prod_pro).toMatchObject({ name: 'Pro plan', description: 'Everything, monthly or yearly' });
    const tea = (await h.loops.api('GET', `/api/v3/products/${file?.prices.price_jpy_tea?.loopsProductId ?? ''}`)).json;
    expect(tea.images).toEqual(['https://images.example.com/tea.png']);

    const store = createRedisMappingStore(redis, (tenant) => tenantKeys(h.env.REDIS_KEY_PREFIX ?? '', tenant));
    expect(await store.allPrices('default')).toEqual(file?.prices);
    expect(await store.getProduct('default', 'prod_tea')).toMatchObject({ name: 'Tea set' });
  });

  it('a second run creates nothing: every price is kept', async () => {
    const before = await h.productsCreated();
    const fileBefore = h.mappingFile();
    const run = await h.map([]);
    expect(run.code).toBe(0);
    expect(run.result?.counts).toMatchObject({ created: 0, kept: 5, linked: 0, skipped: SKIPPED, failed: 0 });
    expect(run.stdout).toMatch(/kept\s+5\s/);
    expect(await h.productsCreated()).toBe(before);
    expect(h.mappingFile()).toEqual(fileBefore);
    for (const ids of (await h.loopsProductsByPrice()).values()) expect(ids).toHaveLength(1);
  });

  it('the bin shim runs the same command', async () => {
    const { spawnSync } = await import('node:child_process');
    const shim = spawnSync(process.execPath, ['bin/stripe-loops-map.js', '--help'], { encoding: 'utf8' });
    expect(shim.status).toBe(0);
    expect(shim.stdout).toContain('Usage: npm run map');
  });
});
