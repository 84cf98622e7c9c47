import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { tenantKeys } from '../../src/store/keys';
import { createRedisMappingStore } from '../../src/store/redis-mapping-store';
import { mixedCatalog } from '../helpers/mapping-catalogs';
import { startMappingHarness, type MappingHarness } from '../helpers/mapping-harness';

/** `mappings load`, `mappings verify`, `mappings show <id>` against the emulator and Redis. */
describe('mappings load / verify / show', () => {
  let h: MappingHarness;
  let redis: Redis;
  const store = () => createRedisMappingStore(redis, (tenant) => tenantKeys(h.env.REDIS_KEY_PREFIX ?? '', tenant));

  beforeAll(async () => {
    h = await startMappingHarness(mixedCatalog());
    redis = new Redis(h.env.REDIS_URL ?? '', { maxRetriesPerRequest: 1 });
    expect((await h.map(['--no-load'])).code).toBe(0);
  });
  afterAll(async () => {
    await redis.quit();
    await h.close();
  });

  it('verify reports prices not loaded into Redis; load (the CLI process) loads the file; then verify is clean', async () => {
    const before = await h.mappings(['verify']);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/price_jpy_tea\s+in the file but not loaded into Redis/);

    const load = await h.cli('mappings', ['load']);
    expect(load.code).toBe(0);
    expect(load.stdout).toMatch(/tenant default: loaded 5 price\(s\) and 6 product\(s\)/);
    expect(await store().allPrices('default')).toEqual(h.mappingFile()?.prices);

    const after = await h.mappings(['verify']);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('Verified 5 mapped Loops product(s)');
    expect(after.stdout).toContain('All mappings OK.');
  });

  it('show: a price with its file entry, Redis copy and live Loops product; a product with its prices; an unknown id', async () => {
    const price = await h.mappings(['show', 'price_jpy_tea']);
    expect(price.code).toBe(0);
    expect(price.stdout).toContain('"unitAmount": 3500');
    expect(price.stdout).toContain('In Redis: the same as the file');
    expect(price.stdout).toMatch(/Loops product prod_\w+: agrees with the mapping/);

    const product = await h.mappings(['show', 'prod_pro']);
    expect(product.code).toBe(0);
    expect(product.stdout).toMatch(/Mapped prices \(2\):\n\s+price_pro_(month|year) → prod_/);

    const unknown = await h.mappings(['show', 'price_nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('price_nope is not mapped for tenant default');
  });

  it('verify finds a wrong amount, a missing Loops product and duplicates', async () => {
    const second = await h.loops.api('POST', '/api/v3/products', {
      name: 'Second tea',
      amountType: 'FIXED',
      priceAmount: 3500,
      priceCurrency: 'jpy',
      metadata: { stripe_price_id: 'price_jpy_tea' },
    });
    const secondId = (second.json as { id: string }).id;
    const file = h.mappingFile();
    if (!file?.prices.price_usd_tshirt || !file.prices.price_pro_year || !file.prices.price_jpy_tea) {
      throw new Error('mapping file incomplete');
    }
    const mappedId = file.prices.price_jpy_tea.loopsProductId;
    file.prices.price_usd_tshirt.unitAmount = 2500;
    file.prices.price_pro_year.loopsProductId = 'prod_missing';
    writeFileSync(join(h.mappingsDir, 'default.json'), JSON.stringify(file));

    const report = await h.mappings(['verify']);
    expect(report.code).toBe(1);
    expect(report.stdout).toMatch(/price_usd_tshirt\s+Loops product prod_\w+: amount 20\.00 USD instead of 25\.00 USD/);
    expect(report.stdout).toMatch(/price_pro_year\s+Loops product prod_missing does not exist/);
    // Which of the two is canonical depends on ids when both were created in the same second, so the
    // row is checked for both ids, and for the canonical note only when the mapped one is not canonical.
    const duplicates = report.stdout.split('Duplicate Loops products (1)')[1] ?? '';
    const row = duplicates.split('\n').find((line) => line.trim().startsWith('price_jpy_tea')) ?? '';
    expect(row).toContain(mappedId);
    expect(row).toContain(secondId);
    if (row.includes('(canonical:')) expect(row).toContain(`(canonical: ${secondId})`);
    expect(report.stdout).toMatch(/price_usd_tshirt\s+Redis holds another version than the file/);
  });

  it('load without Redis is a usage error (exit 2) that says why', async () => {
    const run = await h.cli('mappings', ['load'], { REDIS_URL: undefined });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('REDIS_URL is not set');
  });
});

describe('mappings verify: duplicates and outages', () => {
  let h: MappingHarness;

  beforeAll(async () => {
    h = await startMappingHarness(mixedCatalog(), false);
    expect((await h.map([])).code).toBe(0);
  });
  afterAll(() => h.close());

  it('a second live Loops product tagged with a mapped price fails verify (exit 1); archived, it no longer does', async () => {
    expect((await h.mappings(['verify'])).code).toBe(0);
    const extra = await h.loops.api('POST', '/api/v3/products', {
      name: 'Tea set (second)',
      amountType: 'FIXED',
      priceAmount: 3500,
      priceCurrency: 'jpy',
      metadata: { stripe_price_id: 'price_jpy_tea' },
    });
    const mapped = h.mappingFile()?.prices.price_jpy_tea?.loopsProductId ?? '';
    const report = await h.mappings(['verify']);
    expect(report.code).toBe(1);
    expect(report.stdout).toMatch(new RegExp(`price_jpy_tea\\s+${mapped}\\s.*${String(extra.json.id)}$`, 'm'));
    expect(report.stdout).toContain('1 problem(s) found.');
    expect(report.stdout).not.toContain('All mappings OK.');

    await h.loops.admin('POST', '/_emulator/products', {
      id: extra.json.id,
      name: 'Tea set (second)',
      priceAmount: 3500,
      priceCurrency: 'jpy',
      active: false,
      metadata: { stripe_price_id: 'price_jpy_tea' },
    });
    const archived = await h.mappings(['verify']);
    expect(archived.stdout).not.toContain('Duplicate Loops products');
    expect(archived.code).toBe(0);
  });

  it('Redis down: map, load, verify and show each print one line on stderr and exit 3, no stack trace', async () => {
    // A port nothing listens on: every Redis call is refused.
    const down = { REDIS_URL: 'redis://127.0.0.1:1' };
    const runs = [
      ['map-products', []],
      ['mappings', ['load']],
      ['mappings', ['verify']],
      ['mappings', ['show', 'price_jpy_tea']],
    ] as const;
    for (const [script, args] of runs) {
      const run = await h.cli(script, [...args], down);
      expect({ script, args, code: run.code }).toEqual({ script, args, code: 3 });
      expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Could not reach Redis: /)]);
    }
  });

  it('Loops down: one line on stderr and exit 3 (not 1, which means problems were found), no stack trace', async () => {
    await h.loops.admin('POST', '/_emulator/faults', { method: 'GET', path: '/api/v3/products*', mode: 'error', status: 503 });
    try {
      const run = await h.cli('mappings', ['verify']);
      expect(run.code).toBe(3);
      expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Could not reach Loops: Loops listProductsV3 failed: HTTP 503/)]);
      expect(run.stdout).not.toContain('problem(s) found');
      const show = await h.mappings(['show', 'price_jpy_tea']);
      expect(show.code).toBe(3);
    } finally {
      await h.loops.admin('DELETE', '/_emulator/faults');
    }
  });
});
