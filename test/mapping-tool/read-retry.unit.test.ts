import { LoopsError, type LoopsFailure } from '../../src/loops/loops-error';
import { createReadRetry, isRetryableRead } from '../../src/mapping-tool/loops/read-retry';
import { listAllLoopsProducts } from '../../src/mapping-tool/loops/list-loops-products';
import { fakeLoops, http } from './fake-loops';

describe("the tool's own retries for listing Loops", () => {
  it('repeats what may pass, not what will not', () => {
    expect([http(429), http(408), http(500), http(503), { kind: 'timeout' } as LoopsFailure].every(isRetryableRead)).toBe(true);
    expect(isRetryableRead({ kind: 'network', code: 'ECONNRESET' })).toBe(true);
    expect([http(400), http(401), http(403), http(404)].some(isRetryableRead)).toBe(false);
  });

  it('retries a failed page (not the whole listing) with backoff, up to the attempts', async () => {
    const loops = fakeLoops();
    for (let i = 0; i < 150; i++) loops.make({ name: 'x', amountType: 'FIXED', priceAmount: 1, priceCurrency: 'usd' });
    const pages: number[] = [];
    let failuresLeft = 2;
    const list = loops.client.listProductsV3;
    loops.client.listProductsV3 = async (limit, offset) => {
      pages.push(offset);
      if (offset === 100 && failuresLeft-- > 0) throw new LoopsError(http(503), 'listProductsV3');
      return list(limit, offset);
    };
    const sleeps: number[] = [];
    const retry = createReadRetry({ maxAttempts: 3, sleep: async (ms) => void sleeps.push(ms) });
    expect(await listAllLoopsProducts(loops.client, retry)).toHaveLength(150);
    expect(pages).toEqual([0, 100, 100, 100]);
    expect(sleeps).toHaveLength(2);

    failuresLeft = 3;
    pages.length = 0;
    await expect(listAllLoopsProducts(loops.client, retry)).rejects.toThrow(/HTTP 503/);
    expect(pages).toEqual([0, 100, 100, 100]);
  });

  it('a wrong key is final at once', async () => {
    const loops = fakeLoops();
    loops.state.listFailure = http(401);
    const retry = createReadRetry({ maxAttempts: 5, sleep: async () => {} });
    await expect(listAllLoopsProducts(loops.client, retry)).rejects.toThrow(/HTTP 401/);
    expect(loops.calls.lists).toBe(1);
  });
});
