import { expectError, JPY_PRODUCT, KWD_PRODUCT, MONTHLY_PRODUCT, startHarness, USD_PRODUCT, type Harness } from './support/harness';

const V3_FIELDS = [
  'id', 'object', 'amount_subtotal', 'amount_total', 'currency', 'cancel_url', 'success_url', 'url', 'livemode', 'mode', 'payment_status',
  'client_reference_id', 'customer', 'customer_email', 'expires_at', 'locale', 'metadata', 'payment_intent', 'payment_method_types',
  'total_details', 'automatic_tax', 'billing_address_collection', 'shipping', 'submit_type', 'setup_intent', 'productName', 'externalCustomerId',
];

describe('V3 checkout sessions (docs/loops-contract.md §3.2)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.admin('POST', '/_emulator/reset');
    await Promise.all([USD_PRODUCT, JPY_PRODUCT, KWD_PRODUCT, MONTHLY_PRODUCT].map((p) => h.seedProduct(p)));
  });

  const create = (body: unknown) => h.api('POST', '/api/v3/checkout/sessions', body);

  it('creates from line_items naming a price id or a product id; amount = Σ unit × quantity', async () => {
    const reply = await create({
      mode: 'payment',
      line_items: [
        { price: 'price_tshirt', quantity: 2 },
        { price: USD_PRODUCT.id, quantity: 1, adjustable_quantity: { enabled: true, minimum: 1, maximum: 5 } },
      ],
      success_url: 'https://shop.example/s?id={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://shop.example/c',
      customer: 'cus_1',
      customer_email: 'a@b.example',
      client_reference_id: 'ref-1',
      metadata: { k: 'v' },
      externalCustomerId: 'user_1',
      payment_method_types: ['card'],
    });
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body)).toEqual(expect.arrayContaining(V3_FIELDS));
    expect(reply.body).not.toHaveProperty('status');
    expect(reply.body).toMatchObject({
      object: 'checkout.session',
      amount_subtotal: 8997,
      amount_total: 8997,
      currency: 'usd',
      mode: 'payment',
      payment_status: 'unpaid',
      payment_intent: null,
      livemode: false,
      success_url: 'https://shop.example/s?id={CHECKOUT_SESSION_ID}',
      customer: 'cus_1',
      customer_email: 'a@b.example',
      client_reference_id: 'ref-1',
      metadata: { k: 'v' },
      externalCustomerId: 'user_1',
      productName: 'T-shirt, T-shirt',
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    });
    expect(reply.body.expires_at - Math.floor(Date.now() / 1000)).toBeGreaterThan(3590);
  });

  it('creates Loops-style from productId + quantity, in minor units', async () => {
    const jpy = await create({ productId: JPY_PRODUCT.id, quantity: 3, mode: 'payment' });
    const kwd = await create({ productId: KWD_PRODUCT.id, mode: 'payment' });
    expect([jpy.body.amount_total, jpy.body.currency]).toEqual([1500, 'jpy']);
    expect([kwd.body.amount_total, kwd.body.currency]).toEqual([3250, 'kwd']);
  });

  it('shares ids across versions: V3-made read with V2 and V2-made read with V3', async () => {
    const v3 = await create({ productId: USD_PRODUCT.id, mode: 'payment' });
    const asV2 = await h.api('GET', `/api/v2/checkout/sessions/${v3.body.id}`);
    expect(asV2.body).toMatchObject({ id: v3.body.id, status: 'PENDING', amount: 29.99, currency: 'USD' });
    expect(Date.parse(asV2.body.expiresAt) / 1000).toBe(v3.body.expires_at);
    const v2 = await h.api('POST', '/api/v2/checkout/sessions', { productId: USD_PRODUCT.id });
    const asV3 = await h.api('GET', `/api/v3/checkout/sessions/${v2.body.id}`);
    expect(asV3.body).toMatchObject({ id: v2.body.id, amount_total: 2999, currency: 'usd', payment_status: 'unpaid' });
  });

  it('shows payment_status paid and a payment intent once completed', async () => {
    const { body } = await create({ productId: USD_PRODUCT.id, mode: 'payment' });
    await h.admin('POST', `/_emulator/sessions/${body.id}/complete`);
    const got = await h.api('GET', `/api/v3/checkout/sessions/${body.id}`);
    expect(got.body).toMatchObject({ payment_status: 'paid', payment_intent: expect.stringMatching(/^pi_/) });
  });

  it('subscription mode needs recurring products; payment mode refuses them', async () => {
    const sub = await create({ mode: 'subscription', line_items: [{ price: 'price_pro_monthly', quantity: 1 }] });
    expect(sub.body).toMatchObject({ mode: 'subscription', amount_total: 1500 });
    expectError(await create({ mode: 'payment', line_items: [{ price: 'price_pro_monthly', quantity: 1 }] }), 400, 'recurring_in_payment_mode');
    expectError(await create({ mode: 'subscription', productId: USD_PRODUCT.id }), 400, 'one_time_in_subscription_mode');
  });

  it('refuses line items in different currencies', async () => {
    const reply = await create({ line_items: [{ price: 'price_tshirt', quantity: 1 }, { price: 'price_tea', quantity: 1 }] });
    expectError(reply, 400, 'currency_mismatch');
  });

  it('honours a future expires_at and refuses a past one', async () => {
    const at = Math.floor(Date.now() / 1000) + 1800;
    expect((await create({ productId: USD_PRODUCT.id, expires_at: at })).body.expires_at).toBe(at);
    expectError(await create({ productId: USD_PRODUCT.id, expires_at: at - 3600 }), 400, 'validation_error');
  });

  it('rejects malformed bodies with 400', async () => {
    const bad = [
      {},
      { line_items: [] },
      { line_items: [{ price: 'price_tshirt' }] },
      { line_items: [{ price: 'price_tshirt', quantity: 0 }] },
      { line_items: [{ price: 'price_tshirt', quantity: 1.5 }] },
      { line_items: [{ price: 'price_tshirt', quantity: 9, adjustable_quantity: { enabled: true, minimum: 1, maximum: 5 } }] },
      { line_items: [{ price: 'price_tshirt', quantity: 1 }], productId: USD_PRODUCT.id },
      { line_items: [{ price: 'price_tshirt', quantity: 1 }], quantity: 2 },
      { productId: USD_PRODUCT.id, mode: 'setup' },
      { productId: USD_PRODUCT.id, customer_email: 'nope' },
      { productId: USD_PRODUCT.id, success_url: 'ftp://x' },
      { productId: USD_PRODUCT.id, payment_method_types: 'card' },
      { productId: USD_PRODUCT.id, expires_at: 'soon' },
      { productId: USD_PRODUCT.id, surprise: true },
      [1, 2],
    ];
    for (const body of bad) expectError(await create(body), 400);
    expect((await h.api('GET', '/api/v3/checkout/sessions')).body.data).toHaveLength(0);
  });

  it('404s unknown prices and sessions', async () => {
    expectError(await create({ line_items: [{ price: 'price_missing', quantity: 1 }] }), 404, 'product_not_found');
    expectError(await h.api('GET', '/api/v3/checkout/sessions/cs_missing'), 404, 'session_not_found');
  });

  describe('list', () => {
    let ids: string[];
    beforeEach(async () => {
      ids = [];
      for (let i = 0; i < 4; i++) ids.push((await create({ productId: USD_PRODUCT.id, externalCustomerId: `u${i % 2}` })).body.id);
    });

    it('returns the Stripe list envelope and pages with has_more', async () => {
      const first = await h.api('GET', '/api/v3/checkout/sessions?limit=3');
      expect(first.body).toMatchObject({ object: 'list', has_more: true, url: '/api/v3/checkout/sessions' });
      expect(first.body.data.map((s: any) => s.id)).toEqual(ids.slice(0, 3));
      const rest = await h.api('GET', '/api/v3/checkout/sessions?limit=3&offset=3');
      expect(rest.body).toMatchObject({ has_more: false });
      expect(rest.body.data.map((s: any) => s.id)).toEqual(ids.slice(3));
    });

    it('defaults to 50 and caps at 100', async () => {
      for (let i = 0; i < 50; i++) await create({ productId: JPY_PRODUCT.id });
      const page = await h.api('GET', '/api/v3/checkout/sessions');
      expect([page.body.data.length, page.body.has_more]).toEqual([50, true]);
      expect((await h.api('GET', '/api/v3/checkout/sessions?limit=100')).body.data).toHaveLength(54);
      expectError(await h.api('GET', '/api/v3/checkout/sessions?limit=101'), 400);
    });

    it('filters by status in both spellings and by externalCustomerId', async () => {
      await h.admin('POST', `/_emulator/sessions/${ids[0]}/complete`);
      await h.admin('POST', `/_emulator/sessions/${ids[1]}/expire`);
      const idsFor = async (query: string) => (await h.api('GET', `/api/v3/checkout/sessions?${query}`)).body.data.map((s: any) => s.id);
      expect(await idsFor('status=completed')).toEqual([ids[0]]);
      expect(await idsFor('status=COMPLETED')).toEqual([ids[0]]);
      expect(await idsFor('status=expired')).toEqual([ids[1]]);
      expect(await idsFor('status=EXPIRED')).toEqual([ids[1]]);
      expect(await idsFor('status=open')).toEqual(ids.slice(2));
      expect(await idsFor('status=PENDING&externalCustomerId=u1')).toEqual([ids[3]]);
    });
  });
});
