import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { tenantKeys } from '../../src/store/keys';
import { createRedisMappingStore } from '../../src/store/redis-mapping-store';
import { mixedCatalog } from '../helpers/mapping-catalogs';
import { startMappingHarness, type MappingHarness } from '../helpers/mapping-harness';

/** --dry-run, linking products made earlier, --no-load, --from-file and --include-inactive. */
describe('map: plan and options', () => {
  const catalog = mixedCatalog();
  let h: MappingHarness;
  let redis: Redis;
  const store = () => createRedisMappingStore(redis, (tenant) => tenantKeys(h.env.REDIS_KEY_PREFIX ?? '', tenant));

  beforeEach(async () => {
    h = await startMappingHarness(catalog);
    redis = new Redis(h.env.REDIS_URL ?? '', { maxRetriesPerRequest: 1 });
  });
  afterEach(async () => {
    await redis.quit();
    await h.close();
  });

  it('--dry-run prints the plan and creates, writes and loads nothing', async () => {
    const run = await h.map(['--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/create\s+price_jpy_tea\s+Tea set · 3500 JPY/);
    expect(run.stdout).toMatch(/create\s+price_usd_tshirt\s+T-shirt · 20\.00 USD/);
    expect(run.stdout).toMatch(/create\s+price_kwd_box\s+Dinar box · 5\.120 KWD/);
    expect(run.stdout).toMatch(/skip\s+price_kwd_odd\s+5\.125 KWD: Stripe charges KWD only in steps of 10/);
    expect(run.stdout).toMatch(/create\s+price_pro_month\s+Pro plan · 9\.00 USD \/ month/);
    expect(run.stdout).toMatch(/skip\s+price_weekly\s+bills every week/);
    expect(run.stdout).toMatch(/to create\s+5\s/);
    expect(run.stdout).toContain('Dry run: nothing was created or written');
    expect(await h.productsCreated()).toBe(0);
    expect(h.mappingFile()).toBeUndefined();
    expect(await store().allPrices('default')).toEqual({});
  });

  it('links Loops products already tagged with a price instead of creating them', async () => {
    const made = await h.loops.api('POST', '/api/v3/products', {
      name: 'Tea set (made by hand)',
      amountType: 'FIXED',
      priceAmount: 3500,
      priceCurrency: 'jpy',
      metadata: { stripe_price_id: 'price_jpy_tea' },
    });
    const wrong = await h.loops.api('POST', '/api/v3/products', {
      name: 'T-shirt at the wrong price',
      amountType: 'FIXED',
      priceAmount: 1999,
      priceCurrency: 'usd',
      metadata: { stripe_price_id: 'price_usd_tshirt' },
    });
    const run = await h.map([]);
    expect(run.result?.counts).toMatchObject({ created: 3, linked: 1, failed: 1 });
    expect(run.result?.linked).toEqual([{ priceId: 'price_jpy_tea', loopsProductId: made.json.id }]);
    // A tagged product that charges something else is reported, never duplicated nor linked.
    expect(run.result?.failed[0]?.reason).toContain(`${wrong.json.id}: amount 19.99 USD instead of 20.00 USD`);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Failed \(1\)/);
    expect(h.mappingFile()?.prices.price_jpy_tea?.loopsProductId).toBe(made.json.id);
    expect(h.mappingFile()?.prices.price_usd_tshirt).toBeUndefined();
    expect(await h.productsCreated()).toBe(2 + 3);
  });

  it('--no-load writes the file but leaves Redis alone', async () => {
    const run = await h.map(['--no-load']);
    expect(run.code).toBe(0);
    expect(Object.keys(h.mappingFile()?.prices ?? {})).toHaveLength(5);
    expect(await store().allPrices('default')).toEqual({});
    expect(run.stdout).toContain('Not loaded into Redis');
  });

  it('--from-file reads an export of products with default_price expanded plus a prices list', async () => {
    const path = join(h.mappingsDir, 'export.json');
    const [tshirt, , , pro] = catalog.products;
    const month = catalog.prices.find((price) => price.id === 'price_pro_month');
    const products = { object: 'list', has_more: false, data: [{ ...tshirt }, { ...pro, default_price: month }] };
    const prices = { object: 'list', has_more: false, data: catalog.prices.filter((price) => price.id === 'price_usd_tshirt') };
    writeFileSync(path, `${JSON.stringify(products, null, 2)}\n${JSON.stringify(prices)}\n`);
    const run = await h.map(['--from-file', path]);
    expect(run.code).toBe(0);
    expect(run.result?.created.map((item) => item.priceId).sort()).toEqual(['price_pro_month', 'price_usd_tshirt']);
    expect(h.stripe.requests).toHaveLength(0);
    expect(h.mappingFile()?.products.prod_pro?.defaultPriceId).toBe('price_pro_month');
  });

  it('--from-file: plain `stripe prices list` (no product) creates nothing and exits 1 naming --expand data.product; a BOM-prefixed search result maps', async () => {
    const plain = join(h.mappingsDir, 'plain.json');
    const prices = catalog.prices.filter((price) => price.id === 'price_usd_tshirt' || price.id === 'price_jpy_tea');
    writeFileSync(plain, JSON.stringify({ object: 'list', url: '/v1/prices', has_more: false, data: prices }));
    const run = await h.map(['--from-file', plain]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Warning: ' + plain + ': none of the 2 price(s) come with their product');
    expect(run.stdout).toContain('`stripe prices list --expand data.product`');
    expect(run.result?.counts).toMatchObject({ created: 0, skipped: 2 });
    expect(await h.productsCreated()).toBe(0);

    const search = join(h.mappingsDir, 'search.json');
    const products = new Map(catalog.products.map((product) => [product.id, product]));
    const data = prices.map((price) => ({ ...price, product: products.get(String(price.product)) }));
    writeFileSync(search, `\uFEFF${JSON.stringify({ object: 'search_result', url: '/v1/prices/search', has_more: false, next_page: null, data })}`);
    const mapped = await h.map(['--from-file', search]);
    expect(mapped.code).toBe(0);
    expect(mapped.result?.created.map((item) => item.priceId).sort()).toEqual(['price_jpy_tea', 'price_usd_tshirt']);
  });

  it('--include-inactive maps a price of an archived product', async () => {
    const run = await h.map(['--include-inactive']);
    expect(run.result?.created.map((item) => item.priceId)).toContain('price_retired');
    expect(h.mappingFile()?.prices.price_retired?.unitAmount).toBe(700);
    expect(h.stripe.requests.some((r) => r.path === '/v1/prices' && r.query.get('active') !== null)).toBe(false);
  });

  it('a Stripe key the API refuses, or a broken mapping file, stops the run before anything is created (exit 3)', async () => {
    const badKey = await h.map([], { STRIPE_SECRET_KEY: 'sk_test_not_the_right_one' });
    expect(badKey.code).toBe(3);
    expect(badKey.stdout).toMatch(/Stopped early: could not read the Stripe catalog: Invalid API Key/);

    writeFileSync(join(h.mappingsDir, 'default.json'), '{"version": 1, "prices": {"price_x": {}}}');
    const broken = await h.map([]);
    expect(broken.code).toBe(3);
    expect(broken.stdout).toMatch(/Stopped early: the mapping file cannot be used: .*default\.json is not a valid mapping file/);
    expect(await h.productsCreated()).toBe(0);
  });
});
