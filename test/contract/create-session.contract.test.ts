import Stripe from 'stripe';
import fixture from '../fixtures/checkout.session.json';
import { useStack } from '../helpers/stack';

/** Creating sessions through the official stripe package, as unchanged merchant code would. */
describe('checkout.sessions.create (stripe-node)', () => {
  let stripe: Stripe;

  const stack = useStack();
  beforeAll(() => {
    stripe = stack.stripe();
  });

  it('creates a session for a mapped price with every field of Stripe’s fixture', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: 'price_tshirt', quantity: 2 }],
      success_url: 'https://shop.example/success?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://shop.example/cart',
    });
    for (const key of Object.keys(fixture)) expect(session).toHaveProperty(key);
    expect(session).toMatchObject({
      object: 'checkout.session',
      status: 'open',
      payment_status: 'unpaid',
      mode: 'payment',
      currency: 'usd',
      amount_subtotal: 4000,
      amount_total: 4000,
      livemode: false,
      metadata: {},
      success_url: 'https://shop.example/success?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://shop.example/cart',
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    });
    expect(session.url).toBe(`${stack.emulator.url}/checkout/${session.id}`);
    expect(session).not.toHaveProperty('line_items');
    // The Loops session behind it charges the same amount.
    const loops = await stack.loops.api('GET', `/api/v3/checkout/sessions/${session.id}`);
    expect(loops.json).toMatchObject({ amount_total: 4000, currency: 'usd' });
  });

  it('echoes the Request-Id, Stripe-Version and Idempotency-Key headers into lastResponse', async () => {
    const session = await stripe.checkout.sessions.create(
      { mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }] },
      { idempotencyKey: 'headers-check-1' },
    );
    expect(session.lastResponse.requestId).toMatch(/^req_/);
    expect(session.lastResponse.apiVersion).toBe(Stripe.API_VERSION);
    expect(session.lastResponse.idempotencyKey).toBe('headers-check-1');
    expect(session.lastResponse.headers['stripe-notice']).toBeUndefined();
  });

  it('carries metadata, client_reference_id, customer_email and expires_at, and sends them to Loops', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: 'price_mug', quantity: 3 }],
      metadata: { order_id: 'A 1', note: 'ünïcode & symbols' },
      client_reference_id: 'user_42',
      customer_email: 'buyer@example.com',
      expires_at: expiresAt,
    });
    expect(session).toMatchObject({
      metadata: { order_id: 'A 1', note: 'ünïcode & symbols' },
      client_reference_id: 'user_42',
      customer_email: 'buyer@example.com',
      expires_at: expiresAt,
      amount_total: 3750,
    });
    const loops = await stack.loops.api('GET', `/api/v3/checkout/sessions/${session.id}`);
    expect(loops.json).toMatchObject({
      metadata: { order_id: 'A 1', note: 'ünïcode & symbols' },
      client_reference_id: 'user_42',
      customer_email: 'buyer@example.com',
      expires_at: expiresAt,
    });
  });

  it('defaults expires_at to 24 hours, as Stripe does (Loops’ own default is 1 hour)', async () => {
    const before = Math.floor(Date.now() / 1000);
    const session = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_poster', quantity: 1 }] });
    expect(session.expires_at).toBeGreaterThanOrEqual(before + 24 * 3600);
    expect(session.expires_at).toBeLessThanOrEqual(before + 24 * 3600 + 5);
  });

  it('sums several line items and expands them with full price objects carrying the Stripe ids', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        { price: 'price_tshirt', quantity: 1 },
        { price: 'price_mug', quantity: 2 },
        { price: 'price_poster', quantity: 4, adjustable_quantity: { enabled: true, maximum: 10 } },
      ],
      expand: ['line_items'],
    });
    expect(session.amount_total).toBe(2000 + 2 * 1250 + 4 * 500);
    const items = session.line_items?.data ?? [];
    expect(items.map((item) => [item.price?.id, item.quantity, item.amount_total])).toEqual([
      ['price_tshirt', 1, 2000],
      ['price_mug', 2, 2500],
      ['price_poster', 4, 2000],
    ]);
    const price = items[0]?.price;
    expect(price).toMatchObject({
      object: 'price',
      product: 'prod_tshirt',
      currency: 'usd',
      unit_amount: 2000,
      type: 'one_time',
      billing_scheme: 'per_unit',
    });
    // stripe-node turns decimal strings into Stripe.Decimal; a non-numeric string would have thrown.
    expect(String(price?.unit_amount_decimal)).toBe('2000');
    expect(items[2]?.adjustable_quantity).toEqual({ enabled: true, maximum: 10, minimum: null });
    expect(items[0]?.description).toBe('T-shirt');
  });

  it('creates price_data items once per content: same ids and one Loops product for the same price_data', async () => {
    const before = (await stack.loops.admin('GET', '/_emulator/stats')).json.productsCreated;
    const create = () =>
      stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [
          {
            price_data: { currency: 'eur', unit_amount: 1234, product_data: { name: 'T shirt & co', images: ['https://x.example/y.png'] } },
            quantity: 2,
          },
        ],
        expand: ['line_items'],
      });
    const first = await create();
    const second = await create();
    expect(first.amount_total).toBe(2468);
    expect(first.currency).toBe('eur');
    const [a, b] = [first.line_items?.data[0]?.price, second.line_items?.data[0]?.price];
    expect(a?.id).toMatch(/^price_/);
    expect(a?.id).toBe(b?.id);
    expect(a?.product).toMatch(/^prod_/);
    expect(a?.product).toBe(b?.product);
    expect(first.line_items?.data[0]?.description).toBe('T shirt & co');
    const after = (await stack.loops.admin('GET', '/_emulator/stats')).json.productsCreated;
    expect(after - before).toBe(1);
  });

  it('expands the product of each price when asked for line_items.data.price.product', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: 'price_tshirt', quantity: 1 }],
      expand: ['line_items.data.price.product'],
    });
    const product = session.line_items?.data[0]?.price?.product as Stripe.Product;
    expect(product).toMatchObject({ id: 'prod_tshirt', object: 'product', name: 'T-shirt', description: 'T-shirt description' });
  });

  it('creates subscription sessions for recurring prices', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: 'price_pro_monthly', quantity: 1 }],
      expand: ['line_items'],
    });
    expect(session).toMatchObject({ mode: 'subscription', amount_total: 900 });
    expect(session.line_items?.data[0]?.price?.recurring).toMatchObject({ interval: 'month', interval_count: 1, usage_type: 'licensed' });
    expect(session.line_items?.data[0]?.price?.type).toBe('recurring');
  });

  it('keeps zero-decimal currencies in whole units (JPY)', async () => {
    const session = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_yen', quantity: 2 }] });
    expect(session).toMatchObject({ currency: 'jpy', amount_total: 7000 });
    const loopsV2 = await stack.loops.api('GET', `/api/v2/checkout/sessions/${session.id}`);
    expect(loopsV2.json).toMatchObject({ amount: 7000, currency: 'JPY' });
  });

  it('accepts curl-style a[]= arrays and JSON bodies as well as stripe-node’s indexed form', async () => {
    const auth = { authorization: `Bearer ${'sk_test_gateway_contract_key_0001'}` };
    const form = await fetch(`${stack.url}/v1/checkout/sessions`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'mode=payment&line_items[][price]=price_mug&line_items[][quantity]=2&expand[]=line_items',
    });
    expect(form.status).toBe(200);
    const formBody = (await form.json()) as { amount_total: number; line_items: { data: unknown[] } };
    expect(formBody.amount_total).toBe(2500);
    expect(formBody.line_items.data).toHaveLength(1);

    const json = await fetch(`${stack.url}/v1/checkout/sessions`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'payment', line_items: [{ price: 'price_poster', quantity: 3 }], metadata: { n: 5 } }),
    });
    expect(json.status).toBe(200);
    expect(await json.json()).toMatchObject({ amount_total: 1500, metadata: { n: '5' } });
  });

  it('accepts 100 line items, Stripe’s maximum', async () => {
    const line_items = Array.from({ length: 100 }, (_, i) => ({
      price: ['price_tshirt', 'price_mug', 'price_poster'][i % 3] ?? 'price_mug',
      quantity: 1,
    }));
    const session = await stripe.checkout.sessions.create({ mode: 'payment', line_items });
    const items = await stripe.checkout.sessions.listLineItems(session.id).autoPagingToArray({ limit: 200 });
    expect(items).toHaveLength(100);
    expect(session.amount_total).toBe(34 * 2000 + 33 * 1250 + 33 * 500);
  });
});
