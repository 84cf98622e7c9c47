import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMappingFile } from '../../src/mappings/mapping-files';
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
    // Slow enough (24 creates × 60 ms, 2 at a time) that the two processes overlap.
    await h.loops.admin('DELETE', '/_emulator/faults');
    await h.loops.admin('POST', '/_emulator/faults', { method: 'POST', path: '/api/v3/products', mode: 'latency', latencyMs: 60 });
    const first = h.spawnCli('map-products', ['--concurrency', '2']);
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
    expect(a.stderr).toContain('no lock against a second run');
    await expectOneProductPerPrice();
    // Both files point every price at the same Loops product.
    const other = await readMappingFile(otherDir, 'default');
    const mine = h.mappingFile()?.prices ?? {};
    expect(Object.keys(mine)).toHaveLength(PRICES);
    for (const [priceId, entry] of Object.entries(mine)) expect(other.prices[priceId]?.loopsProductId).toBe(entry.loopsProductId);
  });
});
