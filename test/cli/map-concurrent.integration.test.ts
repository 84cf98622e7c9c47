import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { readMappingFile } from '../../src/mappings/mapping-files';
import { tenantKeys } from '../../src/store/keys';
import { waitFor } from '../helpers/wait-for';
import { startLoopsProxy } from '../helpers/loops-proxy';
import { bulkCatalog } from '../helpers/stripe-catalog-fixtures';
import { startMappingHarness, type MappingHarness } from '../helpers/mapping-harness';

/** Two people run the tool for the same tenant at the same time, each with their own checkout. */
describe('map: two runs at once', () => {
  const PRICES = 24;
  let h: MappingHarness;
  let otherDir: string;

  beforeEach(async () => {
    h = await startMappingHarness(bulkCatalog(PRICES, 3, 'twice'));
    otherDir = mkdtempSync(join(tmpdir(), 'map-tool-other-'));
    await h.loops.admin('POST', '/_emulator/faults', { method: 'POST', path: '/api/v3/products', mode: 'latency', latencyMs: 25 });
  });
  afterEach(async () => {
    await h.close();
    rmSync(otherDir, { recursive: true, force: true });
  });

  const expectOneProductPerPrice = async () => {
    expect(await h.productsCreated()).toBe(PRICES);
    const byPrice = await h.loopsProductsByPrice();
    expect(byPrice.size).toBe(PRICES);
    for (const ids of byPrice.values()) expect(ids).toHaveLength(1);
  };

  it('sharing Redis: the second run waits for the first, then links everything it made', async () => {
    // The second run starts once the first holds the tenant's lock, and the first is slow enough
    // (24 creates × 500 ms, 2 at a time) to still hold it when the second, a process of its own that
    // may take seconds to start on a loaded machine, asks for it.
    await h.loops.admin('DELETE', '/_emulator/faults');
    await h.loops.admin('POST', '/_emulator/faults', { method: 'POST', path: '/api/v3/products', mode: 'latency', latencyMs: 500 });
    const first = h.spawnCli('map-products', ['--concurrency', '2']);
    const redis = new Redis(h.env.REDIS_URL ?? '');
    try {
      const lock = tenantKeys(h.env.REDIS_KEY_PREFIX ?? '', 'default').lock('map-products');
      await waitFor(async () => (await redis.exists(lock)) === 1, 30_000, 'the first run to hold the lock');
    } finally {
      redis.disconnect();
    }
    const second = h.spawnCli('map-products', ['--concurrency', '2'], { MAPPINGS_DIR: otherDir });
    const runs = await Promise.all([first.done, second.done]);
    for (const run of runs) expect(run.code).toBe(0);
    await expectOneProductPerPrice();
    const creator = runs.find((run) => new RegExp(`created\\s+${PRICES}\\s`).test(run.stdout));
    const linker = runs.find((run) => new RegExp(`linked\\s+${PRICES}\\s`).test(run.stdout));
    expect(creator).toBeDefined();
    expect(linker).toBeDefined();
    expect(creator).not.toBe(linker);
    expect(creator?.stderr).not.toContain('Another mapping run of this tenant is in progress');
    expect(linker?.stderr).toContain('Another mapping run of this tenant is in progress');
  });

  it('without Redis (no lock): the deterministic Idempotency-Key makes both runs converge on the same products', async () => {
    const memory = { REDIS_URL: undefined, REDIS_KEY_PREFIX: undefined };
    const [a, b] = await Promise.all([
      h.map(['--concurrency', '4', '--batch-size', '4'], memory),
      h.map(['--concurrency', '4', '--batch-size', '4'], { ...memory, MAPPINGS_DIR: otherDir }),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stderr).toContain('Warning: no shared lock (REDIS_URL is not set)');
    expect([a.result?.duplicates, b.result?.duplicates]).toEqual([[], []]);
    await expectOneProductPerPrice();
    // Both files point every price at the same Loops product.
    const other = await readMappingFile(otherDir, 'default');
    const mine = h.mappingFile()?.prices ?? {};
    expect(Object.keys(mine)).toHaveLength(PRICES);
    for (const [priceId, entry] of Object.entries(mine)) expect(other.prices[priceId]?.loopsProductId).toBe(entry.loopsProductId);
  });

  it('without Redis, against a Loops that ignores Idempotency-Key: duplicates are made, both files name the same product, both runs report the extras and exit 1', async () => {
    // Both runs list Loops (empty) before either creates; each run's check afterwards is held long
    // enough for the other run's creates to have landed, so both see every duplicate.
    const proxy = await startLoopsProxy(h.env.LOOPS_API_BASE ?? '', { ignoreIdempotencyKey: true, listingDelayMs: 700 });
    try {
      const env = { REDIS_URL: undefined, REDIS_KEY_PREFIX: undefined, LOOPS_API_BASE: proxy.url };
      const [a, b] = await Promise.all([h.map(['--concurrency', '4'], env), h.map(['--concurrency', '4'], { ...env, MAPPINGS_DIR: otherDir })]);
      // The race really happened: Loops made a product per price per run.
      expect(await h.productsCreated()).toBe(2 * PRICES);
      expect(proxy.keysRemoved()).toBeGreaterThanOrEqual(2 * PRICES);

      // The canonical product of each price, from Loops itself: the earliest created, then the lowest id.
      const listed: { id: string; created: number; metadata: Record<string, string> }[] = [];
      for (let offset = 0; ; offset += 100) {
        const page = (await h.loops.api('GET', `/api/v3/products?limit=100&offset=${offset}`)).json;
        listed.push(...(page.data as typeof listed));
        if (!page.has_more) break;
      }
      const canonical = new Map<string, string>();
      const extras = new Set<string>();
      for (const product of [...listed].sort((x, y) => x.created - y.created || (x.id < y.id ? -1 : 1))) {
        const priceId = product.metadata.stripe_price_id ?? '';
        if (canonical.has(priceId)) extras.add(product.id);
        else canonical.set(priceId, product.id);
      }

      const mine = h.mappingFile()?.prices ?? {};
      const other = (await readMappingFile(otherDir, 'default')).prices;
      expect(Object.keys(mine)).toHaveLength(PRICES);
      for (const [priceId, productId] of canonical) {
        expect(mine[priceId]?.loopsProductId).toBe(productId);
        expect(other[priceId]?.loopsProductId).toBe(productId);
      }

      for (const run of [a, b]) {
        expect(run.code).toBe(1);
        expect(run.stderr).toContain('Warning: no shared lock (REDIS_URL is not set)');
        expect(run.stdout).toContain(`Duplicate Loops products (${PRICES} price(s))`);
        expect(run.result?.duplicates).toHaveLength(PRICES);
        for (const finding of run.result?.duplicates ?? []) {
          expect(finding.mappedTo).toBe(canonical.get(finding.priceId));
          for (const extra of finding.extras) expect(extras.has(extra)).toBe(true);
        }
      }
      // Between them the two runs re-pointed every price whose first write named the other product.
      const switched = [a, b].flatMap((run) => run.result?.duplicates.filter((d) => d.switchedFrom) ?? []);
      expect(switched).toHaveLength(PRICES);

      // verify fails on the duplicates too, rather than printing them then "All mappings OK."
      const verify = await h.mappings(['verify']);
      expect(verify.code).toBe(1);
      expect(verify.stdout).toContain(`Duplicate Loops products (${PRICES})`);
      expect(verify.stdout).not.toContain('All mappings OK.');
    } finally {
      await proxy.close();
    }
  });
});
