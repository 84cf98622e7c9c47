import { bulkCatalog } from '../helpers/stripe-catalog-fixtures';
import { startMappingHarness, type MappingHarness } from '../helpers/mapping-harness';
import { waitFor } from '../helpers/wait-for';

/**
 * The run is SIGKILLed halfway (no chance to clean up, the Redis lock still held, products made
 * but not yet written to the file). The file left behind is whole and valid, and the next run
 * finishes the job without a single duplicate Loops product.
 */
describe('map: killed halfway, then resumed', () => {
  const PRICES = 60;
  let h: MappingHarness;

  beforeAll(async () => {
    h = await startMappingHarness(bulkCatalog(PRICES, 3, 'crash'));
  });
  afterAll(() => h.close());

  const inFlight = async () =>
    ((await h.loops.admin('GET', '/_emulator/stats')).json.requests as { status: number | null }[]).some((r) => r.status === null);

  it('leaves a valid file and the resumed run links what was made, creates the rest, and duplicates nothing', async () => {
    // Slow Loops down so the kill lands in the middle of the creates.
    await h.loops.admin('POST', '/_emulator/faults', { method: 'POST', path: '/api/v3/products', mode: 'latency', latencyMs: 40 });
    const { child, done } = h.spawnCli('map-products', ['--concurrency', '2', '--batch-size', '8']);
    await waitFor(async () => (await h.productsCreated()) >= PRICES / 3, 20_000, 'a third of the products');
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');

    await h.loops.admin('DELETE', '/_emulator/faults');
    await waitFor(async () => !(await inFlight()), 5_000, 'requests of the killed run to settle');
    const createdByCrashedRun = await h.productsCreated();
    expect(createdByCrashedRun).toBeLessThan(PRICES);
    const fileAfterCrash = h.mappingFile();
    const written = Object.keys(fileAfterCrash?.prices ?? {}).length;
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThanOrEqual(createdByCrashedRun);

    // Same host, the holder's process is gone: the lock is taken over at once, not after its TTL.
    const started = Date.now();
    const resumed = await h.map([]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(resumed.code).toBe(0);
    expect(resumed.result?.counts).toMatchObject({
      kept: written,
      linked: createdByCrashedRun - written,
      created: PRICES - createdByCrashedRun,
      failed: 0,
    });

    expect(await h.productsCreated()).toBe(PRICES);
    const byPrice = await h.loopsProductsByPrice();
    expect(byPrice.size).toBe(PRICES);
    for (const ids of byPrice.values()) expect(ids).toHaveLength(1);
    const file = h.mappingFile();
    expect(Object.keys(file?.prices ?? {})).toHaveLength(PRICES);
    for (const [priceId, entry] of Object.entries(file?.prices ?? {})) expect(byPrice.get(priceId)).toEqual([entry.loopsProductId]);
  });

  it('interrupted (Ctrl-C): starts no new price, writes every product already made, exits 3', async () => {
    const fresh = await startMappingHarness(bulkCatalog(PRICES, 3, 'stop'));
    try {
      await fresh.loops.admin('POST', '/_emulator/faults', { method: 'POST', path: '/api/v3/products', mode: 'latency', latencyMs: 30 });
      const stop = new AbortController();
      const running = fresh.map(['--concurrency', '2', '--batch-size', '50'], {}, stop.signal);
      await waitFor(async () => (await fresh.productsCreated()) >= 6, 10_000, 'some products');
      stop.abort(new Error('interrupted'));
      const run = await running;
      expect(run.code).toBe(3);
      expect(run.stdout).toContain('Stopped early: interrupted');
      const made = await fresh.productsCreated();
      expect(made).toBeLessThan(PRICES);
      expect(run.result?.counts.created).toBe(made);
      expect(Object.keys(fresh.mappingFile()?.prices ?? {})).toHaveLength(made);
    } finally {
      await fresh.close();
    }
  });
});
