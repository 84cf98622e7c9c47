import { loadLoopsIndex } from '../../src/mapping-tool/loops/loops-index';
import { fakeLoops } from './fake-loops';

describe('Loops index: products by metadata.stripe_price_id, one listing for many re-checks', () => {
  const body = (priceId: string) => ({
    name: 'x',
    amountType: 'FIXED' as const,
    priceAmount: 1,
    priceCurrency: 'usd',
    metadata: { stripe_price_id: priceId },
  });

  it('reads every page and indexes by the Stripe price id', async () => {
    const loops = fakeLoops();
    for (let i = 0; i < 250; i++) loops.make(body(`price_${i % 200}`));
    loops.make({ name: 'untagged', amountType: 'FIXED', priceAmount: 1, priceCurrency: 'usd' });
    const index = await loadLoopsIndex(loops.client);
    expect(loops.calls.lists).toBe(3);
    expect(index.size()).toBe(251);
    expect(index.find('price_7').map((p) => p.id)).toEqual(['prod_fake_8', 'prod_fake_208']);
    expect(index.find('price_unknown')).toEqual([]);
  });

  it('coalesces: failures before a listing started share it; a later failure gets a new one', async () => {
    const loops = fakeLoops();
    let now = 0;
    const index = await loadLoopsIndex(loops.client, () => now);
    expect(loops.calls.lists).toBe(1);
    now = 5;
    const failedAt = index.clock();
    now = 6;
    await Promise.all([index.refreshSince(failedAt), index.refreshSince(failedAt), index.refreshSince(failedAt)]);
    expect(loops.calls.lists).toBe(2);
    await index.refreshSince(failedAt); // already answered by a listing that started after it
    expect(loops.calls.lists).toBe(2);
    loops.make(body('price_new'));
    now = 9;
    await index.refreshSince(now);
    expect(loops.calls.lists).toBe(3);
    expect(index.find('price_new')).toHaveLength(1);
  });
});
