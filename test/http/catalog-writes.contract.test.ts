import Stripe from 'stripe';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver';
import { TEST_KEYS, useStack } from '../helpers/stack';

/**
 * Products and prices made through the Stripe API (issue 11): what a SaaS app's seed script and
 * pricing page do with the official `stripe` package, one Loops product per price, the events a
 * pricing page is built from, archiving, and refusals that change nothing.
 */
describe('catalog writes through the Stripe API (stripe-node)', () => {
  let receiver: MerchantReceiver;
  let stripe: Stripe;

  beforeAll(async () => {
    receiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
  });
  const stack = useStack(() => ({ env: { WEBHOOK_ENDPOINTS: receiver.url, STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook } }));
  beforeAll(() => {
    stripe = stack.stripe({ maxNetworkRetries: 0 });
  });
  afterAll(async () => {
    await receiver.close();
  });

  interface LoopsProduct {
    id: string;
    priceAmount: string | number;
    priceCurrency: string;
    recurringInterval?: string | null;
    name: string;
    metadata: Record<string, string>;
  }
  /** Every Loops product the emulator holds (the gateway's Loops), page by page. */
  async function loopsProducts(): Promise<LoopsProduct[]> {
    const all: LoopsProduct[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = await stack.loops.api('GET', `/api/v3/products?limit=100&offset=${offset}`);
      all.push(...(page.json.data as LoopsProduct[]));
      if (!page.json.has_more) return all;
    }
  }
  const taggedWith = async (priceId: string) => (await loopsProducts()).filter((p) => p.metadata.stripe_price_id === priceId);

  describe('a SaaS seed script, then its pricing page', () => {
    let product: Stripe.Product;
    let monthly: Stripe.Price;
    let yearly: Stripe.Price;

    beforeAll(async () => {
      // saas-starter's lib/db/seed.ts, with a lookup key per plan as dub's upgrade route expects.
      product = await stripe.products.create({ name: 'Base', description: 'Base subscription plan' });
      monthly = await stripe.prices.create({
        product: product.id,
        unit_amount: 800,
        currency: 'usd',
        recurring: { interval: 'month', trial_period_days: 7 },
        lookup_key: 'base_monthly',
      });
      yearly = await stripe.prices.create({
        product: product.id,
        unit_amount: 8000,
        currency: 'usd',
        recurring: { interval: 'year', trial_period_days: 7 },
        lookup_key: 'base_yearly',
        nickname: 'Base yearly',
        metadata: { tier: 'base' },
      });
    });

    it('answers Stripe objects with stable Stripe-style ids', () => {
      expect(product).toMatchObject({ object: 'product', name: 'Base', description: 'Base subscription plan', active: true, default_price: null });
      expect(product.id).toMatch(/^prod_[A-Za-z0-9]{24}$/);
      expect(monthly).toMatchObject({
        object: 'price',
        product: product.id,
        unit_amount: 800,
        currency: 'usd',
        type: 'recurring',
        active: true,
        lookup_key: 'base_monthly',
        recurring: { interval: 'month', interval_count: 1, trial_period_days: 7, usage_type: 'licensed', meter: null },
      });
      expect(String(monthly.unit_amount_decimal)).toBe('800');
      expect(monthly.id).toMatch(/^price_[A-Za-z0-9]{24}$/);
      expect(yearly).toMatchObject({ nickname: 'Base yearly', metadata: { tier: 'base' }, recurring: { interval: 'year' } });
    });

    it('makes exactly one Loops product per price, tagged with the price and its product, charging what it says', async () => {
      for (const [price, amount, interval] of [
        [monthly, 800, 'month'],
        [yearly, 8000, 'year'],
      ] as const) {
        const tagged = await taggedWith(price.id);
        expect(tagged).toHaveLength(1);
        expect(tagged[0]).toMatchObject({
          name: 'Base',
          priceCurrency: 'USD',
          recurringInterval: interval,
          metadata: { stripe_price_id: price.id, stripe_product_id: product.id },
        });
        expect(Number(tagged[0]?.priceAmount)).toBe(amount);
      }
    });

    it('lists the catalog back as saas-starter’s pricing page reads it (expand data.product, active, recurring)', async () => {
      const prices = await stripe.prices.list({ expand: ['data.product'], active: true, type: 'recurring', limit: 100 });
      const ours = prices.data.filter((p) => (p.product as Stripe.Product).id === product.id);
      expect(ours.map((p) => p.id).sort()).toEqual([monthly.id, yearly.id].sort());
      expect(ours[0]?.product).toMatchObject({ object: 'product', id: product.id, name: 'Base', description: 'Base subscription plan' });
      const byKey = await stripe.prices.list({ lookup_keys: ['base_monthly', 'base_yearly', 'nope'], expand: ['data.product'] });
      expect(byKey.data.map((p) => p.lookup_key).sort()).toEqual(['base_monthly', 'base_yearly']);
      expect(byKey.data.every((p) => (p.product as Stripe.Product).name === 'Base')).toBe(true);
      // The imported catalog is the same catalog: both are listed together.
      const all = (await stripe.prices.list({ limit: 100 })).data.map((p) => p.id);
      expect(all).toEqual(expect.arrayContaining([monthly.id, yearly.id, 'price_tshirt', 'price_pro_monthly']));
      const products = await stripe.products.list({ active: true, expand: ['data.default_price'], limit: 100 });
      expect(products.data.map((p) => p.id)).toContain(product.id);
      expect(await stripe.products.retrieve(product.id)).toMatchObject({ id: product.id, name: 'Base' });
    });

    it('sells the new price in checkout; archiving it makes new checkouts fail as Stripe’s do', async () => {
      const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: monthly.id, quantity: 1 }] });
      expect(session.amount_total).toBe(800);
      const archived = await stripe.prices.update(monthly.id, { active: false });
      expect(archived.active).toBe(false);
      await expect(stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: monthly.id, quantity: 1 }] })).rejects.toMatchObject(
        {
          type: 'StripeInvalidRequestError',
          statusCode: 400,
          param: 'line_items[0][price]',
          message: 'The price specified is inactive. This field only accepts active prices.',
        },
      );
      // Listed only when asked for inactive prices, as Stripe lists them.
      expect((await stripe.prices.list({ product: product.id })).data.map((p) => p.id)).toEqual([yearly.id]);
      expect((await stripe.prices.list({ product: product.id, active: false })).data.map((p) => p.id)).toEqual([monthly.id]);
      await stripe.prices.update(monthly.id, { active: true });
      expect((await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: monthly.id, quantity: 1 }] })).object).toBe(
        'checkout.session',
      );
    });

    it('announces product.* and price.* events (previous_attributes on updates), delivered and listed, as vercel’s pricing page reads them', async () => {
      await stripe.prices.update(yearly.id, { nickname: 'Base, yearly', metadata: { tier: 'base', promo: 'spring' } });
      const types = (event: Stripe.Event) => `${event.type} ${(event.data.object as { id: string }).id}`;
      const wanted = [`product.created ${product.id}`, `price.created ${monthly.id}`, `price.created ${yearly.id}`, `price.updated ${yearly.id}`];
      await receiver.waitFor((accepted) => wanted.every((w) => accepted.some((e) => types(e) === w)));
      const updated = receiver.accepted().find((e) => types(e) === `price.updated ${yearly.id}`) as Stripe.Event;
      expect(updated.data.previous_attributes).toEqual({ nickname: 'Base yearly', metadata: { tier: 'base' } });
      // vercel's handler: `product` must be a string, and the recurring fields are there.
      expect(updated.data.object).toMatchObject({ id: yearly.id, product: product.id, active: true, currency: 'usd', unit_amount: 8000 });
      const archive = receiver.accepted().filter((e) => types(e) === `price.updated ${monthly.id}`);
      expect(archive.map((e) => e.data.previous_attributes)).toEqual([{ active: true }, { active: false }]);
      const created = receiver.accepted().find((e) => types(e) === `price.created ${monthly.id}`) as Stripe.Event;
      expect(created.data.previous_attributes).toBeUndefined();
      expect(created.request).toMatchObject({ id: expect.stringMatching(/^req_/) });
      const listed = await stripe.events.list({ types: ['price.created', 'price.updated', 'product.created'], limit: 100 });
      expect(listed.data.map(types)).toEqual(expect.arrayContaining(wanted));
    });

    it('search finds API-made objects (Stripe’s query language)', async () => {
      const found = await stripe.prices.search({ query: `product:'${product.id}' AND metadata['tier']:'base'`, expand: ['data.product'] });
      expect(found.data.map((p) => p.id)).toEqual([yearly.id]);
      expect((await stripe.products.search({ query: "name~'Bas' active:'true'" })).data.map((p) => p.id)).toContain(product.id);
    });
  });

  it('a retried create (same Idempotency-Key) answers the same price and makes no second Loops product', async () => {
    const product = await stripe.products.create({ name: 'Retry me' });
    const params = { product: product.id, unit_amount: 1500, currency: 'eur' };
    const first = await stripe.prices.create(params, { idempotencyKey: 'seed-price-retry-1' });
    const second = await stripe.prices.create(params, { idempotencyKey: 'seed-price-retry-1' });
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(await taggedWith(first.id)).toHaveLength(1);
  });

  it('product_data makes the product with the price; default_price_data makes the default price with the product', async () => {
    const price = await stripe.prices.create(
      { product_data: { name: 'Stickers', metadata: { kind: 'swag' } }, unit_amount: 300, currency: 'usd' },
      {},
    );
    const product = await stripe.products.retrieve(String(price.product));
    expect(product).toMatchObject({ name: 'Stickers', metadata: { kind: 'swag' }, active: true });
    expect(await taggedWith(price.id)).toEqual([expect.objectContaining({ name: 'Stickers', priceCurrency: 'USD' })]);

    const withDefault = await stripe.products.create({
      name: 'Team',
      default_price_data: { currency: 'usd', unit_amount: 2500, recurring: { interval: 'month' } },
      expand: ['default_price'],
    });
    const defaultPrice = withDefault.default_price as Stripe.Price;
    expect(defaultPrice).toMatchObject({ object: 'price', product: withDefault.id, unit_amount: 2500, recurring: { interval: 'month' } });
    expect(await taggedWith(defaultPrice.id)).toHaveLength(1);
    // The default price cannot be archived while it is the default, as in Stripe.
    await expect(stripe.prices.update(defaultPrice.id, { active: false })).rejects.toMatchObject({
      statusCode: 400,
      message: 'This price cannot be archived because it is the default price of its product.',
    });
  });

  it('a price billed every 12 months is a yearly Loops product, as the mapping tool maps it', async () => {
    const product = await stripe.products.create({ name: 'Annual' });
    const price = await stripe.prices.create({
      product: product.id,
      unit_amount: 12000,
      currency: 'usd',
      recurring: { interval: 'month', interval_count: 12 },
    });
    expect(await taggedWith(price.id)).toEqual([expect.objectContaining({ recurringInterval: 'year' })]);
    expect(price.recurring).toMatchObject({ interval: 'year', interval_count: 1 });
  });

  it('products: caller-chosen ids, duplicates refused, update with default_price, delete only without prices', async () => {
    const product = await stripe.products.create({ id: 'prod_caller_chosen', name: 'Chosen', metadata: { a: '1' } });
    expect(product.id).toBe('prod_caller_chosen');
    await expect(stripe.products.create({ id: 'prod_caller_chosen', name: 'Again' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'resource_already_exists',
      param: 'id',
    });
    const price = await stripe.prices.create({ product: product.id, unit_amount: 100, currency: 'usd' });
    const updated = await stripe.products.update(product.id, { default_price: price.id, metadata: { a: '', b: '2' }, name: 'Chosen one' });
    expect(updated).toMatchObject({ default_price: price.id, metadata: { b: '2' }, name: 'Chosen one' });
    await expect(stripe.products.update(product.id, { default_price: 'price_tshirt' })).rejects.toMatchObject({
      statusCode: 400,
      param: 'default_price',
    });
    await expect(stripe.products.del(product.id)).rejects.toMatchObject({
      statusCode: 400,
      message: 'This product cannot be deleted because it has one or more user-created prices.',
    });

    const empty = await stripe.products.create({ name: 'Nothing to sell' });
    expect(await stripe.products.del(empty.id)).toEqual(expect.objectContaining({ id: empty.id, object: 'product', deleted: true }));
    await expect(stripe.products.retrieve(empty.id)).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    const deleted = await receiver.waitFor((accepted) =>
      accepted.some((e) => e.type === 'product.deleted' && (e.data.object as Stripe.Product).id === empty.id),
    );
    expect(deleted.find((e) => e.type === 'product.deleted')?.data.object).toMatchObject({
      id: empty.id,
      object: 'product',
      name: 'Nothing to sell',
    });
    const updates = await receiver.waitFor((accepted) =>
      accepted.some((e) => e.type === 'product.updated' && (e.data.object as Stripe.Product).id === product.id),
    );
    const productUpdated = updates.find((e) => e.type === 'product.updated' && (e.data.object as Stripe.Product).id === product.id);
    expect(productUpdated?.data.previous_attributes).toMatchObject({ name: 'Chosen', default_price: null, metadata: { a: '1' } });
    expect(productUpdated?.data.object).toMatchObject({ name: 'Chosen one', default_price: price.id });
  });

  it('renders `features` before 2024-04-10 and `marketing_features` after, for objects and parameters', async () => {
    const product = await stripe.products.create({ name: 'Featured', marketing_features: [{ name: 'Fast' }] });
    expect(product.marketing_features).toEqual([{ name: 'Fast' }]);
    const asOf = async (version: string) => {
      const response = await fetch(`${stack.url}/v1/products/${product.id}`, {
        headers: { authorization: `Bearer ${TEST_KEYS.gateway}`, 'stripe-version': version },
      });
      return (await response.json()) as Record<string, unknown>;
    };
    const old = await asOf('2023-10-16');
    expect(old.features).toEqual([{ name: 'Fast' }]);
    expect(old).not.toHaveProperty('marketing_features');
    const current = await asOf('2024-04-10');
    expect(current.marketing_features).toEqual([{ name: 'Fast' }]);
    expect(current).not.toHaveProperty('features');
    await expect(stripe.products.create({ name: 'Old style', features: [{ name: 'x' }] } as Stripe.ProductCreateParams)).rejects.toMatchObject({
      statusCode: 400,
      code: 'parameter_unknown',
      param: 'features',
    });
  });

  it('lookup keys are unique; transfer_lookup_key moves one and announces both prices', async () => {
    const product = await stripe.products.create({ name: 'Keys' });
    const first = await stripe.prices.create({ product: product.id, unit_amount: 100, currency: 'usd', lookup_key: 'keys_plan' });
    await expect(stripe.prices.create({ product: product.id, unit_amount: 200, currency: 'usd', lookup_key: 'keys_plan' })).rejects.toMatchObject({
      statusCode: 400,
      param: 'lookup_key',
      message: expect.stringContaining(first.id),
    });
    const second = await stripe.prices.create({
      product: product.id,
      unit_amount: 200,
      currency: 'usd',
      lookup_key: 'keys_plan',
      transfer_lookup_key: true,
    });
    expect((await stripe.prices.retrieve(first.id)).lookup_key).toBeNull();
    expect((await stripe.prices.list({ lookup_keys: ['keys_plan'] })).data.map((p) => p.id)).toEqual([second.id]);
    await receiver.waitFor((accepted) =>
      accepted.some(
        (e) =>
          e.type === 'price.updated' && (e.data.object as Stripe.Price).id === first.id && e.data.previous_attributes?.lookup_key === 'keys_plan',
      ),
    );
  });

  it('imported prices are the same catalog: changed through the API, the change survives a restart’s load of the file', async () => {
    await stripe.prices.update('price_mug', { metadata: { shelf: 'a1' } });
    const made = await stripe.products.create({ name: 'Made after the file' });
    await stack.container.loadMappings();
    expect((await stripe.prices.retrieve('price_mug')).metadata).toEqual({ shelf: 'a1' });
    expect((await stripe.products.retrieve(made.id)).name).toBe('Made after the file');
  });
});
