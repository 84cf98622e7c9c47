import { mixedCatalog } from '../helpers/mapping-catalogs';
import { startMappingHarness, type MappingHarness } from '../helpers/mapping-harness';
import { bulkCatalog, stripePrice, stripeProduct } from '../helpers/stripe-catalog-fixtures';
import { waitFor } from '../helpers/wait-for';

interface LoopsRequest {
  method: string;
  path: string;
  status: number | null;
  idempotencyKey: string | null;
}

/**
 * Loops failing during a run (emulator fault injection): 5xx before or after the product was
 * made, 429, timeouts. Every price ends up with exactly one Loops product.
 */
describe('map: Loops outages during the run', () => {
  const catalog = mixedCatalog();
  const MAPPABLE = Object.keys(catalog.mappable).length;
  let h: MappingHarness;

  beforeEach(async () => {
    h = await startMappingHarness(catalog);
  });
  afterEach(() => h.close());

  const fault = (spec: Record<string, unknown>) => h.loops.admin('POST', '/_emulator/faults', { method: 'POST', path: '/api/v3/products', ...spec });
  const createPosts = async () =>
    ((await h.loops.admin('GET', '/_emulator/stats')).json.requests as LoopsRequest[]).filter(
      (r) => r.method === 'POST' && r.path === '/api/v3/products',
    );
  const expectOneProductPerPrice = async () => {
    expect(await h.productsCreated()).toBe(MAPPABLE);
    const byPrice = await h.loopsProductsByPrice();
    expect([...byPrice.keys()].sort()).toEqual(Object.keys(catalog.mappable).sort());
    for (const ids of byPrice.values()) expect(ids).toHaveLength(1);
    expect(Object.keys(h.mappingFile()?.prices ?? {})).toHaveLength(MAPPABLE);
  };

  it('retries creates refused with 503 and maps everything', async () => {
    await fault({ mode: 'error', status: 503, times: 4 });
    const run = await h.map([]);
    expect(run.code).toBe(0);
    expect(run.result?.counts).toMatchObject({ created: MAPPABLE, failed: 0 });
    expect(run.stderr).toMatch(/retrying price_\w+ \(attempt 2 of 6\)/);
    expect((await createPosts()).filter((r) => r.status === 503)).toHaveLength(4);
    await expectOneProductPerPrice();
  });

  it('a 500 after Loops made the product: the product is found again, not made twice', async () => {
    await fault({ mode: 'error', status: 500, times: 3, phase: 'after' });
    const run = await h.map([]);
    expect(run.code).toBe(0);
    expect(run.result?.created.filter((item) => item.foundOnRecheck)).toHaveLength(3);
    expect(run.stdout).toContain('3 product(s) were found in Loops after an unclear failure');
    await expectOneProductPerPrice();
  });

  it('a timeout after Loops made the product (hang): found again, not made twice', async () => {
    await fault({ mode: 'hang', phase: 'after', times: 1 });
    const run = await h.map([]);
    expect(run.code).toBe(0);
    expect(run.result?.created.filter((item) => item.foundOnRecheck)).toHaveLength(1);
    await expectOneProductPerPrice();
  });

  it('429s are waited out', async () => {
    await fault({ mode: 'error', status: 429, times: 5 });
    const run = await h.map([]);
    expect(run.code).toBe(0);
    await expectOneProductPerPrice();
  });

  it('a 429 costs one POST per attempt: the tool is the only retry layer (--max-attempts 2 → 2 POSTs per price)', async () => {
    await fault({ mode: 'error', status: 429 });
    const run = await h.map(['--max-attempts', '2']);
    expect(run.code).toBe(1);
    expect(run.result?.counts).toMatchObject({ created: 0, failed: MAPPABLE });
    // With the Loops client retrying a 429 inside each attempt this was 2 × 3 per price.
    expect(await createPosts()).toHaveLength(2 * MAPPABLE);
  });

  it('Loops failing the first listing a few times is waited out with the tool’s backoff, not the end of the run', async () => {
    await h.loops.admin('POST', '/_emulator/faults', { method: 'GET', path: '/api/v3/products', mode: 'error', status: 503, times: 3 });
    const run = await h.map([]);
    expect(run.stderr).toMatch(/retrying the Loops listing \(attempt 2 of 6\) in \d+ ms: Loops listProductsV3 failed: HTTP 503/);
    expect(run.stderr).toMatch(/retrying the Loops listing \(attempt 4 of 6\)/);
    expect(run.code).toBe(0);
    expect(run.result?.counts).toMatchObject({ created: MAPPABLE, failed: 0 });
    const listings = ((await h.loops.admin('GET', '/_emulator/stats')).json.requests as LoopsRequest[]).filter(
      (r) => r.method === 'GET' && r.path === '/api/v3/products',
    );
    // Three refused, then the first listing, then the check for duplicates after the creates.
    expect(listings.map((r) => r.status)).toEqual([503, 503, 503, 200, 200]);
    await expectOneProductPerPrice();
  });

  it('an outage longer than the retries fails those prices (exit 1); the next run maps them, still one product each', async () => {
    await fault({ mode: 'error', status: 503 });
    const failed = await h.map(['--max-attempts', '2']);
    expect(failed.code).toBe(1);
    expect(failed.result?.counts).toMatchObject({ created: 0, failed: MAPPABLE });
    expect(failed.result?.failed[0]?.reason).toMatch(/gave up after 2 attempts: Loops createProductV3 failed: HTTP 503/);
    const posts = await createPosts();
    // Every attempt for one price carries the same deterministic Idempotency-Key.
    expect(new Set(posts.map((r) => r.idempotencyKey)).size).toBe(MAPPABLE);

    await h.loops.admin('DELETE', '/_emulator/faults');
    const again = await h.map([]);
    expect(again.code).toBe(0);
    await expectOneProductPerPrice();
  });
});

describe('map: Loops goes down in the middle of a run', () => {
  it('503s and dropped connections halfway through are retried; every price still gets exactly one product', async () => {
    const PRICES = 40;
    const h = await startMappingHarness(bulkCatalog(PRICES, 4, 'midrun'));
    try {
      await h.loops.admin('POST', '/_emulator/faults', { method: 'POST', path: '/api/v3/products', mode: 'latency', latencyMs: 10 });
      const running = h.map(['--concurrency', '4', '--batch-size', '10']);
      await waitFor(async () => (await h.productsCreated()) >= 10, 10_000, 'the run to be under way');
      // The first matching rule applies: these two now come before the latency rule.
      await h.loops.admin('DELETE', '/_emulator/faults');
      await h.loops.admin('POST', '/_emulator/faults', { method: 'POST', path: '/api/v3/products', mode: 'drop', times: 2 });
      await h.loops.admin('POST', '/_emulator/faults', { method: 'POST', path: '/api/v3/products', mode: 'error', status: 503, times: 6 });
      const run = await running;
      expect(run.code).toBe(0);
      expect(run.result?.counts).toMatchObject({ created: PRICES, failed: 0 });
      expect(run.stderr).toMatch(/retrying price_midrun_\d+ .*HTTP 503/);
      expect(await h.productsCreated()).toBe(PRICES);
      for (const ids of (await h.loopsProductsByPrice()).values()) expect(ids).toHaveLength(1);
    } finally {
      await h.close();
    }
  });
});

describe('map: what Loops refuses', () => {
  it('a product Loops rejects (400) fails with its reason and a non-zero exit; the others are mapped', async () => {
    const h = await startMappingHarness({
      products: [stripeProduct('prod_ok', 'Fine'), stripeProduct('prod_long', 'x'.repeat(5001))],
      prices: [stripePrice('price_ok', 'prod_ok', 100), stripePrice('price_long', 'prod_long', 100)],
    });
    try {
      const run = await h.map([]);
      expect(run.code).toBe(1);
      expect(run.result?.failed).toEqual([
        { priceId: 'price_long', reason: expect.stringContaining('Loops rejected the product: Loops createProductV3 failed: HTTP 400') },
      ]);
      expect(Object.keys(h.mappingFile()?.prices ?? {})).toEqual(['price_ok']);
    } finally {
      await h.close();
    }
  });

  it('a wrong Loops key stops the run at once (exit 3) and says what to check', async () => {
    const h = await startMappingHarness(mixedCatalog());
    try {
      const run = await h.map([], { LOOPS_API_KEY: 'loops_wrong_key_not_real' });
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(/Stopped early: .*HTTP 401.*check LOOPS_API_KEY/);
      expect(await h.productsCreated()).toBe(0);

      await h.loops.admin('POST', '/_emulator/faults', { method: 'POST', path: '/api/v3/products', mode: 'error', status: 401 });
      const creates = await h.map(['--concurrency', '1']);
      expect(creates.code).toBe(3);
      expect(creates.result?.counts.failed).toBe(0);
      expect(creates.stdout).toMatch(/Stopped early: Loops createProductV3 failed: HTTP 401/);
    } finally {
      await h.close();
    }
  });
});
