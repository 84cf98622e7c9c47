import { expectError, startHarness, USD_PRODUCT, type Harness } from './support/harness';

const V3_PRODUCT_FIELDS = [
  'id', 'object', 'active', 'created', 'updated', 'livemode', 'name', 'description', 'images', 'metadata', 'default_price', 'type', 'url',
  'unit_label', 'statement_descriptor', 'tax_code', 'amountType', 'priceAmount', 'minimumAmount', 'presetAmount', 'priceCurrency',
  'recurringInterval', 'status', 'merchantId', 'thumbnailUrl',
];

describe('products (docs/loops-contract.md §3.3)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => h.admin('POST', '/_emulator/reset'));

  const createProduct = (body: unknown) => h.api('POST', '/api/v3/products', body);

  it('creates a V3 product with exactly the documented fields and a default price', async () => {
    const reply = await createProduct({
      name: 'Hoodie',
      description: 'Warm',
      images: ['https://img.example/h.png'],
      metadata: { stripe_price_id: 'price_stripe_1' },
      amountType: 'FIXED',
      priceAmount: 4999,
      priceCurrency: 'usd',
      statement_descriptor: 'HOODIE',
      tax_code: 'txcd_99999999',
      unit_label: 'piece',
    });
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body).sort()).toEqual([...V3_PRODUCT_FIELDS].sort());
    expect(reply.body).toMatchObject({
      id: expect.stringMatching(/^prod_/),
      object: 'product',
      active: true,
      livemode: false,
      default_price: expect.stringMatching(/^price_/),
      priceAmount: '4999',
      priceCurrency: 'USD',
      amountType: 'FIXED',
      status: 'ACTIVE',
      recurringInterval: null,
      statement_descriptor: 'HOODIE',
    });
    const got = await h.api('GET', `/api/v3/products/${reply.body.id}`);
    expect(got.body).toEqual(reply.body);
    const session = await h.api('POST', '/api/v3/checkout/sessions', { line_items: [{ price: reply.body.default_price, quantity: 1 }] });
    expect(session.body.amount_total).toBe(4999);
  });

  it('validates the §3.3 limits', async () => {
    const bad = [
      {},
      { name: '' },
      { name: 'x', priceAmount: 100, images: Array.from({ length: 9 }, (_, i) => `https://img.example/${i}.png`) },
      { name: 'x', priceAmount: 100, statement_descriptor: 'x'.repeat(23) },
      { name: 'x', priceAmount: 100, recurringInterval: 'week' },
      { name: 'x', priceAmount: 29.99 },
      { name: 'x', priceAmount: '2999' },
      { name: 'x' },
      { name: 'x', priceAmount: 100, amountType: 'SOMETIMES' },
      { name: 'x', priceAmount: 100, metadata: { n: 1 } },
    ];
    for (const body of bad) expectError(await createProduct(body), 400);
    expect((await h.api('GET', '/api/v3/products')).body.data).toEqual([]);
  });

  it('404s an unknown product', async () => {
    expectError(await h.api('GET', '/api/v3/products/prod_missing'), 404, 'product_not_found');
  });

  describe('lists', () => {
    beforeEach(async () => {
      for (let i = 0; i < 5; i++) await createProduct({ name: `P${i}`, priceAmount: 100 * (i + 1), priceCurrency: 'EUR', metadata: { stripe_price_id: `price_s${i}` } });
      await createProduct({ name: 'Archived', priceAmount: 1, active: false });
      await createProduct({ name: 'Gift', amountType: 'FREE' });
    });

    it('V3 pages through everything with has_more', async () => {
      const seen: string[] = [];
      for (let offset = 0, more = true; more; offset += 3) {
        const page = await h.api('GET', `/api/v3/products?limit=3&offset=${offset}`);
        expect(page.body).toMatchObject({ object: 'list', url: '/api/v3/products' });
        seen.push(...page.body.data.map((p: any) => p.name));
        more = page.body.has_more;
      }
      expect(seen).toEqual(['P0', 'P1', 'P2', 'P3', 'P4', 'Archived', 'Gift']);
    });

    it('V2 lists Loops-style objects with total, in major units', async () => {
      const reply = await h.api('GET', '/api/v2/products?limit=2&offset=1');
      expect(reply.body).toMatchObject({ total: 7, limit: 2, offset: 1 });
      expect(reply.body.products[0]).toMatchObject({ name: 'P1', priceAmount: 2, priceCurrency: 'EUR', status: 'ACTIVE', defaultPriceId: expect.stringMatching(/^price_/) });
    });

    it('V2 create takes major units and V2 get reads a product of either version', async () => {
      const created = await h.api('POST', '/api/v2/products', { name: 'Mug', priceAmount: 12.5, priceCurrency: 'eur', metadata: { sku: 'mug' } });
      expect(created.body).toMatchObject({ name: 'Mug', priceAmount: 12.5, priceCurrency: 'EUR', amountType: 'FIXED', createdAt: expect.any(String) });
      const v3 = await h.api('GET', `/api/v3/products/${created.body.id}`);
      expect(v3.body).toMatchObject({ priceAmount: '1250', priceCurrency: 'EUR', default_price: created.body.defaultPriceId });
      expect((await h.api('GET', `/api/v2/products/${created.body.id}`)).body).toEqual(created.body);
      expectError(await h.api('POST', '/api/v2/products', { name: 'Bad', priceAmount: 1.005, priceCurrency: 'usd' }), 400, 'invalid_amount');
      expectError(await h.api('GET', '/api/v2/products/prod_missing'), 404, 'product_not_found');
      expect((await h.api('GET', '/api/v2/products')).body.total).toBe(8);
    });

    it('filters by status, amountType and metadata[key]', async () => {
      const names = async (path: string) => {
        const reply = await h.api('GET', path);
        return (reply.body.products ?? reply.body.data).map((p: any) => p.name);
      };
      expect(await names('/api/v2/products?status=INACTIVE')).toEqual(['Archived']);
      expect(await names('/api/v3/products?amountType=FREE')).toEqual(['Gift']);
      expect(await names('/api/v3/products?status=DRAFT')).toEqual([]);
      expect(await names('/api/v3/products?metadata[stripe_price_id]=price_s3')).toEqual(['P3']);
      expect(await names('/api/v2/products?metadata%5Bstripe_price_id%5D=price_s1')).toEqual(['P1']);
      expectError(await h.api('GET', '/api/v2/products?status=GONE'), 400);
      expectError(await h.api('GET', '/api/v3/products?limit=0'), 400);
    });

    it('refuses to sell an inactive product', async () => {
      const archived = (await h.api('GET', '/api/v2/products?status=INACTIVE')).body.products[0];
      expectError(await h.api('POST', '/api/v2/checkout/sessions', { productId: archived.id }), 400, 'product_inactive');
    });
  });
});

describe('payment links (docs/loops-contract.md §3.4)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.admin('POST', '/_emulator/reset');
    await h.seedProduct(USD_PRODUCT);
    await h.seedProduct({ id: 'prod_socks', defaultPriceId: 'price_socks', name: 'Socks', priceAmount: 500, priceCurrency: 'USD' });
  });

  it('creates a Stripe-shaped payment_link with full price objects', async () => {
    const reply = await h.api('POST', '/api/v3/payment-links', {
      label: 'Bundle',
      productIds: [USD_PRODUCT.id, 'prod_socks'],
      successUrl: 'https://shop.example/ok',
      metadata: { campaign: 'x' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: expect.stringMatching(/^pl_/),
      object: 'payment_link',
      active: true,
      url: `${h.url}/pay/${reply.body.id}`,
      label: 'Bundle',
      productIds: [USD_PRODUCT.id, 'prod_socks'],
      after_completion: { type: 'redirect', redirect: { url: 'https://shop.example/ok' } },
      metadata: { campaign: 'x' },
      line_items: { object: 'list', has_more: false },
    });
    expect(reply.body.line_items.data[0]).toMatchObject({
      object: 'item',
      quantity: 1,
      amount_total: 2999,
      currency: 'usd',
      description: 'T-shirt',
      price: { id: 'price_tshirt', object: 'price', product: USD_PRODUCT.id, unit_amount: 2999, currency: 'usd', type: 'one_time', recurring: null },
    });
    const session = await h.api('POST', '/api/v2/checkout/sessions', { paymentLinkId: reply.body.id });
    expect(session.body).toMatchObject({ amount: 34.99, paymentLinkId: reply.body.id, successUrl: 'https://shop.example/ok' });
  });

  it('lists and updates links', async () => {
    const created = await h.api('POST', '/api/v3/payment-links', { productIds: [USD_PRODUCT.id] });
    await h.api('POST', '/api/v3/payment-links', { productIds: ['prod_socks'] });
    const list = await h.api('GET', '/api/v3/payment-links?limit=1');
    expect(list.body).toMatchObject({ object: 'list', has_more: true, url: '/api/v3/payment-links' });
    expect(list.body.data.map((l: any) => l.id)).toEqual([created.body.id]);
    const updated = await h.api('PUT', `/api/v3/payment-links/${created.body.id}`, { label: 'Renamed', productIds: ['prod_socks'], active: false });
    expect(updated.body).toMatchObject({ label: 'Renamed', productIds: ['prod_socks'], active: false });
    expectError(await h.api('POST', '/api/v1/checkout/sessions', { paymentLinkId: created.body.id }), 400, 'payment_link_inactive');
  });

  it('validates links and 404s unknown ids', async () => {
    expectError(await h.api('POST', '/api/v3/payment-links', {}), 400);
    expectError(await h.api('POST', '/api/v3/payment-links', { productIds: [] }), 400);
    expectError(await h.api('POST', '/api/v3/payment-links', { productIds: ['prod_missing'] }), 404, 'product_not_found');
    expectError(await h.api('PUT', '/api/v3/payment-links/pl_missing', { label: 'x' }), 404, 'payment_link_not_found');
    const monthly = await h.api('POST', '/api/v3/products', { name: 'Monthly', priceAmount: 500, priceCurrency: 'usd', recurringInterval: 'month' });
    const yearly = await h.api('POST', '/api/v3/products', { name: 'Yearly', priceAmount: 5000, priceCurrency: 'usd', recurringInterval: 'year' });
    expectError(await h.api('POST', '/api/v3/payment-links', { productIds: [monthly.body.id, yearly.body.id] }), 400, 'interval_mismatch');
    expect((await h.api('GET', '/api/v3/payment-links')).body.data).toEqual([]);
  });

  it('opening the link url starts a session and redirects to its hosted page', async () => {
    const link = await h.api('POST', '/api/v3/payment-links', { productIds: ['prod_socks'] });
    const response = await fetch(link.body.url, { redirect: 'manual' });
    expect(response.status).toBe(303);
    const location = response.headers.get('location') ?? '';
    expect(location).toMatch(new RegExp(`^${h.url}/checkout/cs_`));
    const id = location.split('/').pop() ?? '';
    expect((await h.api('GET', `/api/v2/checkout/sessions/${id}`)).body).toMatchObject({ paymentLinkId: link.body.id, amount: 5 });
  });
});
