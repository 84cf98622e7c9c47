import type Stripe from 'stripe';
import { useStack } from '../helpers/stack';
import { storedStateProbe } from '../helpers/stored-state';

interface LoopsRequest {
  method: string;
  path: string;
  idempotencyKey?: string;
}

/**
 * `prices.create` against a failing Loops (issue 11 "Idempotency and faults"): whatever Loops does
 * after or instead of creating the price's product, retried by stripe-node with its one
 * Idempotency-Key, the price ends with exactly one Loops product, and a refused or failed create
 * stores nothing.
 */
describe('prices.create and Loops faults (stripe-node)', () => {
  let stripe: Stripe;
  let product: Stripe.Product;

  const stack = useStack({ background: false });
  beforeAll(async () => {
    stripe = stack.stripe();
    product = await stripe.products.create({ name: 'Faulty plan' });
  });
  afterEach(async () => {
    await stack.loops.admin('DELETE', '/_emulator/faults');
    await stack.loops.admin('POST', '/_emulator/options', { honourIdempotencyKeys: true });
  });

  const fault = (spec: Record<string, unknown>) => stack.loops.admin('POST', '/_emulator/faults', spec);
  const productPosts = async (): Promise<LoopsRequest[]> =>
    (await stack.loops.admin('GET', '/_emulator/stats')).json.requests.filter(
      (r: LoopsRequest) => r.method === 'POST' && r.path === '/api/v3/products',
    );
  async function taggedWith(priceId: string): Promise<unknown[]> {
    const tagged: unknown[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = await stack.loops.api('GET', `/api/v3/products?limit=100&offset=${offset}`);
      tagged.push(...(page.json.data as { metadata: Record<string, string> }[]).filter((p) => p.metadata.stripe_price_id === priceId));
      if (!page.json.has_more) return tagged;
    }
  }

  it('Loops times out after creating and ignores Idempotency-Key: the create finds that product, not a second one', async () => {
    await stack.loops.admin('POST', '/_emulator/options', { honourIdempotencyKeys: false });
    await fault({ method: 'POST', path: '/api/v3/products', mode: 'hang', phase: 'after', times: 1 });
    const postsBefore = (await productPosts()).length;
    const price = await stripe.prices.create({ product: product.id, unit_amount: 900, currency: 'usd' }, { idempotencyKey: 'faults-hang-1' });
    expect(price.unit_amount).toBe(900);
    expect(await taggedWith(price.id)).toHaveLength(1);
    expect((await productPosts()).length - postsBefore).toBe(1);
  });

  it('Loops times out after creating and cannot be listed: 502, and the SDK’s retry finds the product before creating', async () => {
    await stack.loops.admin('POST', '/_emulator/options', { honourIdempotencyKeys: false });
    await fault({ method: 'POST', path: '/api/v3/products', mode: 'hang', phase: 'after', times: 1 });
    // The first request's look (three GETs inside the Loops client) fails; the retry's succeeds.
    await fault({ method: 'GET', path: '/api/v3/products', mode: 'error', status: 503, times: 3 });
    const postsBefore = (await productPosts()).length;
    const price = await stripe.prices.create({ product: product.id, unit_amount: 1900, currency: 'usd' }, { idempotencyKey: 'faults-hang-2' });
    expect(await taggedWith(price.id)).toHaveLength(1);
    expect((await productPosts()).length - postsBefore).toBe(1);
    expect((await stripe.prices.retrieve(price.id)).unit_amount).toBe(1900);
  });

  it('Loops down longer than the SDK retries: an api_error, nothing stored; the same key succeeds later with one product', async () => {
    await fault({ method: 'POST', path: '/api/v3/products', mode: 'error', status: 503 });
    const postsBefore = (await productPosts()).length;
    const probe = storedStateProbe(stack);
    try {
      const before = await probe.snapshot();
      const params = { product: product.id, unit_amount: 2900, currency: 'usd' };
      await expect(stripe.prices.create(params, { idempotencyKey: 'faults-down-1' })).rejects.toMatchObject({
        type: 'StripeAPIError',
        statusCode: 502,
      });
      // Only the operation's start-time pin stays (so the retry rebuilds the same request), and it expires.
      const changes = await probe.changesSince(before);
      expect(changes.filter((change) => !/^\+.*:operation:[0-9a-f]{64}$/.test(change))).toEqual([]);
      expect((await stripe.prices.list({ product: product.id, limit: 100 })).data.map((p) => p.unit_amount)).not.toContain(2900);

      await stack.loops.admin('DELETE', '/_emulator/faults');
      const price = await stripe.prices.create(params, { idempotencyKey: 'faults-down-1' });
      expect(await taggedWith(price.id)).toHaveLength(1);
      // Every attempt, the failed ones and the one that worked, asked Loops with one Idempotency-Key.
      const posts = (await productPosts()).slice(postsBefore);
      expect(posts.length).toBeGreaterThan(1);
      expect(new Set(posts.map((post) => post.idempotencyKey)).size).toBe(1);
    } finally {
      probe.close();
    }
  });

  it('Loops answers 5xx after making the product: the create looks before repeating and links it', async () => {
    // The gateway's own Loops call answers 5xx after Loops acted: the same shape as a crash
    // between the two, from the next attempt's point of view (the operation is resumed).
    await stack.loops.admin('POST', '/_emulator/options', { honourIdempotencyKeys: false });
    await fault({ method: 'POST', path: '/api/v3/products', mode: 'error', status: 500, phase: 'after', times: 1 });
    const postsBefore = (await productPosts()).length;
    const price = await stripe.prices.create({ product: product.id, unit_amount: 3900, currency: 'usd' }, { idempotencyKey: 'faults-500-after' });
    expect(await taggedWith(price.id)).toHaveLength(1);
    expect((await productPosts()).length - postsBefore).toBe(1);
  });
});
