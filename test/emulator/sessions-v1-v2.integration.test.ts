import { expectError, JPY_PRODUCT, KWD_PRODUCT, startHarness, USD_PRODUCT, type Harness } from './support/harness';

describe('V1/V2 checkout sessions (docs/loops-contract.md §3.1)', () => {
  let h: Harness;
  let linkId: string;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.admin('POST', '/_emulator/reset');
    await Promise.all([USD_PRODUCT, JPY_PRODUCT, KWD_PRODUCT].map((p) => h.seedProduct(p)));
    const link = await h.api('POST', '/api/v3/payment-links', {
      label: 'Shirt link',
      productIds: [USD_PRODUCT.id],
      successUrl: 'https://shop.example/ok',
      cancelUrl: 'https://shop.example/back',
    });
    linkId = link.body.id;
  });

  it('V1 creates from a payment link, in major units, with the link’s URLs', async () => {
    const reply = await h.api('POST', '/api/v1/checkout/sessions', { paymentLinkId: linkId, externalCustomerId: 'user_1', metadata: { order: '7' } });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: expect.stringMatching(/^cs_/),
      url: `${h.url}/checkout/${reply.body.id}`,
      status: 'PENDING',
      amount: 29.99,
      currency: 'USD',
      productName: 'T-shirt',
      externalCustomerId: 'user_1',
      paymentLinkId: linkId,
      metadata: { order: '7' },
      pricingType: 'ONE_TIME',
      successUrl: 'https://shop.example/ok',
      cancelUrl: 'https://shop.example/back',
      completedAt: null,
    });
    const created = Date.parse(reply.body.createdAt);
    // §2: one hour, cut to whole seconds so V3's unix `expires_at` is exact.
    const ttl = Date.parse(reply.body.expiresAt) - created;
    expect(ttl).toBeGreaterThan(3599 * 1000);
    expect(ttl).toBeLessThanOrEqual(3600 * 1000);
    expect(Date.parse(reply.body.expiresAt) % 1000).toBe(0);
    expect(reply.body.updatedAt).toBe(reply.body.createdAt);
  });

  it('V1 refuses productId (paymentLinkId only)', async () => {
    expectError(await h.api('POST', '/api/v1/checkout/sessions', { productId: USD_PRODUCT.id }), 400, 'validation_error');
  });

  it('V2 creates from a product with quantity and its own URLs', async () => {
    const reply = await h.api('POST', '/api/v2/checkout/sessions', {
      productId: USD_PRODUCT.id,
      quantity: 3,
      successUrl: 'https://shop.example/s',
      cancelUrl: 'https://shop.example/c',
    });
    expect(reply.body).toMatchObject({ amount: 89.97, currency: 'USD', productId: USD_PRODUCT.id, quantity: 3, productDescription: 'Cotton', paymentLinkId: null });
  });

  it('V2 renders zero- and three-decimal currencies in major units', async () => {
    const jpy = await h.api('POST', '/api/v2/checkout/sessions', { productId: JPY_PRODUCT.id, quantity: 2 });
    const kwd = await h.api('POST', '/api/v2/checkout/sessions', { productId: KWD_PRODUCT.id });
    expect([jpy.body.amount, jpy.body.currency]).toEqual([1000, 'JPY']);
    expect([kwd.body.amount, kwd.body.currency]).toEqual([3.25, 'KWD']);
  });

  it('V2 needs exactly one of paymentLinkId and productId', async () => {
    expectError(await h.api('POST', '/api/v2/checkout/sessions', {}), 400, 'validation_error');
    expectError(await h.api('POST', '/api/v2/checkout/sessions', { productId: USD_PRODUCT.id, paymentLinkId: linkId }), 400, 'validation_error');
  });

  it('answers the named 404s for unknown products and links', async () => {
    const product = await h.api('POST', '/api/v2/checkout/sessions', { productId: 'prod_nope' });
    const link = await h.api('POST', '/api/v2/checkout/sessions', { paymentLinkId: 'pl_nope' });
    expectError(product, 404, 'product_not_found');
    expectError(link, 404, 'payment_link_not_found');
    expect([product.body.error.message, link.body.error.message]).toEqual(['Product Not Found', 'Payment Link Not Found']);
  });

  it('gets a session by id and 404s an unknown one', async () => {
    const created = await h.api('POST', '/api/v2/checkout/sessions', { productId: USD_PRODUCT.id });
    const got = await h.api('GET', `/api/v2/checkout/sessions/${created.body.id}`);
    expect(got.body).toEqual(created.body);
    const missing = await h.api('GET', '/api/v2/checkout/sessions/cs_missing');
    expectError(missing, 404, 'session_not_found');
    expect(missing.body.error.message).toBe('Checkout Session Not Found');
  });

  describe('list', () => {
    beforeEach(async () => {
      for (let i = 0; i < 5; i++) await h.api('POST', '/api/v2/checkout/sessions', { productId: USD_PRODUCT.id, externalCustomerId: i % 2 ? 'odd' : 'even' });
    });

    it('pages with limit and offset in creation order, on V1 and V2 alike', async () => {
      const all = await h.api('GET', '/api/v2/checkout/sessions');
      expect(all.body).toMatchObject({ total: 5, limit: 50, offset: 0 });
      const page = await h.api('GET', '/api/v2/checkout/sessions?limit=2&offset=2');
      expect(page.body).toMatchObject({ total: 5, limit: 2, offset: 2 });
      expect(page.body.sessions.map((s: any) => s.id)).toEqual(all.body.sessions.slice(2, 4).map((s: any) => s.id));
      const v1 = await h.api('GET', '/api/v1/checkout/sessions?limit=2&offset=2');
      expect(v1.body).toEqual(page.body);
    });

    it('filters by externalCustomerId', async () => {
      const odd = await h.api('GET', '/api/v2/checkout/sessions?externalCustomerId=odd');
      expect(odd.body.total).toBe(2);
      expect(odd.body.sessions.every((s: any) => s.externalCustomerId === 'odd')).toBe(true);
    });

    it('filters by status in both spellings', async () => {
      const all = await h.api('GET', '/api/v2/checkout/sessions');
      await h.admin('POST', `/_emulator/sessions/${all.body.sessions[0].id}/complete`);
      await h.admin('POST', `/_emulator/sessions/${all.body.sessions[1].id}/fail`);
      const count = async (status: string) => (await h.api('GET', `/api/v2/checkout/sessions?status=${status}`)).body.total;
      expect(await Promise.all(['open', 'PENDING', 'completed', 'COMPLETED', 'failed', 'FAILED', 'expired', 'EXPIRED', 'CANCELLED'].map(count))).toEqual([
        3, 3, 1, 1, 1, 1, 0, 0, 0,
      ]);
    });

    it('rejects bad paging and unknown statuses', async () => {
      for (const query of ['limit=0', 'limit=101', 'limit=abc', 'offset=-1', 'status=paid', 'limit=1&limit=2']) {
        expectError(await h.api('GET', `/api/v2/checkout/sessions?${query}`), 400, 'validation_error');
      }
    });
  });

  describe('PUT update', () => {
    let id: string;
    beforeEach(async () => {
      id = (await h.api('POST', '/api/v2/checkout/sessions', { productId: USD_PRODUCT.id })).body.id;
    });

    it('updates every documented field', async () => {
      const reply = await h.api('PUT', `/api/v2/checkout/sessions/${id}`, {
        amount: 12.5,
        currency: 'eur',
        productName: 'Renamed',
        productDescription: 'New text',
        pricingType: 'RECURRING',
        allowedPaymentMethods: ['card', 'sepa_debit'],
        successUrl: 'https://shop.example/s2',
        cancelUrl: 'https://shop.example/c2',
        externalCustomerId: 'user_9',
        expiresAt: new Date(Date.now() + 7200_000).toISOString(),
        metadata: { replaced: 'yes' },
      });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({
        status: 'PENDING',
        amount: 12.5,
        currency: 'EUR',
        productName: 'Renamed',
        productDescription: 'New text',
        pricingType: 'RECURRING',
        allowedPaymentMethods: ['card', 'sepa_debit'],
        successUrl: 'https://shop.example/s2',
        cancelUrl: 'https://shop.example/c2',
        externalCustomerId: 'user_9',
        metadata: { replaced: 'yes' },
      });
      const v3 = await h.api('GET', `/api/v3/checkout/sessions/${id}`);
      expect(v3.body).toMatchObject({ amount_total: 1250, currency: 'eur', mode: 'subscription' });
    });

    it('enforces the documented limits', async () => {
      const bad = [
        { amount: 0 },
        { amount: '5' },
        { productName: 'x'.repeat(201) },
        { productDescription: 'x'.repeat(1001) },
        { pricingType: 'WEEKLY' },
        { allowedPaymentMethods: 'card' },
        { expiresAt: 'tomorrow' },
        { successUrl: 'not a url' },
        { unknownField: 1 },
      ];
      for (const body of bad) expectError(await h.api('PUT', `/api/v2/checkout/sessions/${id}`, body), 400);
      const after = await h.api('GET', `/api/v2/checkout/sessions/${id}`);
      expect(after.body).toMatchObject({ amount: 29.99, productName: 'T-shirt', status: 'PENDING' });
    });

    it('refuses an amount the currency cannot hold, changing nothing', async () => {
      expectError(await h.api('PUT', `/api/v2/checkout/sessions/${id}`, { amount: 10.005 }), 400, 'invalid_amount');
      expectError(await h.api('PUT', `/api/v2/checkout/sessions/${id}`, { currency: 'JPY', productName: 'Changed' }), 400, 'invalid_amount');
      const ok = await h.api('PUT', `/api/v2/checkout/sessions/${id}`, { currency: 'JPY', amount: 4000 });
      expect(ok.body).toMatchObject({ amount: 4000, currency: 'JPY', productName: 'T-shirt' });
      expect((await h.api('GET', `/api/v3/checkout/sessions/${id}`)).body.amount_total).toBe(4000);
    });

    it('expiresAt in the past expires the session at once', async () => {
      const reply = await h.api('PUT', `/api/v2/checkout/sessions/${id}`, { expiresAt: new Date(Date.now() - 1000).toISOString() });
      expect(reply.body.status).toBe('EXPIRED');
      expectError(await h.api('PUT', `/api/v2/checkout/sessions/${id}`, { productName: 'late' }), 400, 'session_not_open');
    });

    it('404s an unknown session', async () => {
      expectError(await h.api('PUT', '/api/v2/checkout/sessions/cs_missing', { productName: 'x' }), 404, 'session_not_found');
    });
  });
});
