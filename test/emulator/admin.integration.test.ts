import { expectError, startHarness, USD_PRODUCT, type Harness } from './support/harness';

describe('admin API (docs/loops-contract.md §6)', () => {
  let h: Harness;
  const targets = [{ url: 'http://127.0.0.1:9/never', secret: 'kept' }];

  beforeAll(async () => {
    h = await startHarness({ webhooks: targets, webhookRetryDelaysMs: [] });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.admin('POST', '/_emulator/reset');
    await h.seedProduct(USD_PRODUCT);
  });

  it('needs no auth and is never under /api/', async () => {
    expect((await h.admin('GET', '/_emulator/health')).body).toEqual({ ok: true });
    expectError(await h.admin('GET', '/_emulator/nothing'), 404, 'route_not_found');
  });

  it('seeds products with caller-chosen ids that V3 line items can name', async () => {
    const seeded = await h.seedProduct({ id: 'prod_plan', defaultPriceId: 'price_plan', name: 'Plan', priceAmount: 900, priceCurrency: 'eur', recurringInterval: 'year', metadata: { stripe_price_id: 'price_1' } });
    expect(seeded).toMatchObject({ id: 'prod_plan', default_price: 'price_plan', priceAmount: '900', priceCurrency: 'EUR', recurringInterval: 'year', metadata: { stripe_price_id: 'price_1' } });
    const session = await h.api('POST', '/api/v3/checkout/sessions', { mode: 'subscription', line_items: [{ price: 'price_plan', quantity: 2 }] });
    expect(session.body).toMatchObject({ amount_total: 1800, currency: 'eur' });
  });

  it('seeding the same id again replaces the product; a taken price id is a 409', async () => {
    await h.seedProduct({ ...USD_PRODUCT, name: 'Renamed', priceAmount: 100 });
    const list = await h.api('GET', '/api/v3/products');
    expect(list.body.data.map((p: any) => [p.id, p.name, p.priceAmount, p.default_price])).toEqual([[USD_PRODUCT.id, 'Renamed', '100', USD_PRODUCT.defaultPriceId]]);
    const clash = await h.admin('POST', '/_emulator/products', { id: 'prod_other', name: 'x', priceAmount: 1, priceCurrency: 'USD', defaultPriceId: USD_PRODUCT.defaultPriceId });
    expectError(clash, 409, 'price_id_taken');
    expectError(await h.admin('POST', '/_emulator/products', { id: 'prod_bad', name: 'x', priceAmount: -1, priceCurrency: 'USD' }), 400);
    expectError(await h.admin('POST', '/_emulator/products', { name: 'no id', priceAmount: 1, priceCurrency: 'USD' }), 400);
  });

  it('counts created sessions and logs API requests', async () => {
    await h.api('POST', '/api/v2/checkout/sessions', { productId: USD_PRODUCT.id }, { 'idempotency-key': 'k1' });
    await h.api('POST', '/api/v2/checkout/sessions', { productId: 'prod_missing' });
    await h.api('GET', '/api/v2/checkout/sessions');
    const stats = (await h.admin('GET', '/_emulator/stats')).body;
    expect(stats.sessionsCreated).toBe(1);
    expect(stats.requests.map((r: any) => [r.method, r.path, r.status, r.idempotencyKey])).toEqual([
      ['POST', '/api/v2/checkout/sessions', 200, 'k1'],
      ['POST', '/api/v2/checkout/sessions', 404, null],
      ['GET', '/api/v2/checkout/sessions', 200, null],
    ]);
  });

  it('describes one session in both shapes', async () => {
    const s = (await h.api('POST', '/api/v2/checkout/sessions', { productId: USD_PRODUCT.id })).body;
    await h.admin('POST', `/_emulator/sessions/${s.id}/complete`);
    const described = (await h.admin('GET', `/_emulator/sessions/${s.id}`)).body;
    expect(described).toMatchObject({ status: 'completed', v2: { id: s.id, status: 'COMPLETED' }, v3: { id: s.id, payment_status: 'paid' }, charge: { amount: 2999 } });
    expectError(await h.admin('POST', '/_emulator/sessions/cs_missing/complete'), 404, 'session_not_found');
  });

  it('moves the clock forward only', async () => {
    const before = (await h.admin('GET', '/_emulator/clock')).body;
    const after = (await h.admin('POST', '/_emulator/clock', { advanceSeconds: 86400 })).body;
    expect(after.offsetSeconds).toBe(86400);
    expect(after.now - before.now).toBeGreaterThanOrEqual(86400);
    expectError(await h.admin('POST', '/_emulator/clock', { advanceSeconds: -5 }), 400);
    expectError(await h.admin('POST', '/_emulator/clock', {}), 400);
  });

  it('reset clears state, faults, idempotency keys, stats and clock, keeping keys and webhook targets', async () => {
    const s = (await h.api('POST', '/api/v2/checkout/sessions', { productId: USD_PRODUCT.id }, { 'idempotency-key': 'r1' })).body;
    await h.api('POST', '/api/v3/payment-links', { productIds: [USD_PRODUCT.id] });
    await h.admin('POST', '/_emulator/faults', { path: '/nothing', mode: 'drop' });
    await h.admin('POST', '/_emulator/clock', { advanceSeconds: 10 });
    await h.admin('POST', `/_emulator/sessions/${s.id}/fail`);

    expect((await h.admin('POST', '/_emulator/reset')).body).toEqual({ ok: true });
    expect((await h.admin('GET', '/_emulator/stats')).body).toMatchObject({ sessionsCreated: 0, productsCreated: 0, requests: [] });

    expect((await h.api('GET', '/api/v2/checkout/sessions')).body.total).toBe(0);
    expect((await h.api('GET', '/api/v2/products')).body.total).toBe(0);
    expect((await h.api('GET', '/api/v3/payment-links')).body.data).toEqual([]);
    expect((await h.admin('GET', '/_emulator/faults')).body.faults).toEqual([]);
    expect((await h.admin('GET', '/_emulator/webhooks/deliveries')).body.deliveries).toEqual([]);
    expect((await h.admin('GET', '/_emulator/clock')).body.offsetSeconds).toBe(0);
    expect((await h.admin('GET', '/_emulator/webhooks')).body.targets).toEqual(targets);
    await h.seedProduct(USD_PRODUCT);
    const again = await h.api('POST', '/api/v2/checkout/sessions', { productId: USD_PRODUCT.id }, { 'idempotency-key': 'r1' });
    expect(again.status).toBe(200);
    expect(again.body.id).not.toBe(s.id);
  });
});
