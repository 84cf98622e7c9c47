import { expectError, startHarness, USD_PRODUCT, type Harness } from './support/harness';

describe('Idempotency-Key (docs/loops-contract.md §1 [chosen])', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ apiKeys: ['key_a', 'key_b'] });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.admin('POST', '/_emulator/reset');
    await h.seedProduct(USD_PRODUCT);
  });

  const post = (path: string, body: unknown, key: string, apiKey = 'key_a') =>
    h.api('POST', path, body, { authorization: `Bearer ${apiKey}`, 'idempotency-key': key });
  const created = async () => (await h.admin('GET', '/_emulator/stats')).body.sessionsCreated as number;

  it('replays the stored response for the same key and body, creating one session', async () => {
    const body = { productId: USD_PRODUCT.id, metadata: { a: '1', b: '2' } };
    const first = await post('/api/v3/checkout/sessions', body, 'idem-1');
    const second = await post('/api/v3/checkout/sessions', { metadata: { b: '2', a: '1' }, productId: USD_PRODUCT.id }, 'idem-1');
    expect(second.status).toBe(first.status);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await created()).toBe(1);
    const requests = (await h.admin('GET', '/_emulator/stats')).body.requests;
    expect(requests.map((r: any) => [r.idempotencyKey, r.replayed])).toEqual([
      ['idem-1', false],
      ['idem-1', true],
    ]);
  });

  it('answers 409 when the same key comes with a different body or path', async () => {
    await post('/api/v2/checkout/sessions', { productId: USD_PRODUCT.id }, 'idem-2');
    expectError(await post('/api/v2/checkout/sessions', { productId: USD_PRODUCT.id, quantity: 2 }, 'idem-2'), 409, 'idempotency_conflict');
    expectError(await post('/api/v3/checkout/sessions', { productId: USD_PRODUCT.id }, 'idem-2'), 409, 'idempotency_conflict');
    expect(await created()).toBe(1);
  });

  it('scopes keys to the API key', async () => {
    await post('/api/v2/checkout/sessions', { productId: USD_PRODUCT.id }, 'idem-3', 'key_a');
    const other = await post('/api/v2/checkout/sessions', { productId: USD_PRODUCT.id, quantity: 2 }, 'idem-3', 'key_b');
    expect(other.status).toBe(200);
    expect(await created()).toBe(2);
  });

  it('concurrent requests with one key create one session', async () => {
    await h.admin('POST', '/_emulator/faults', { path: '/api/v3/checkout/sessions', mode: 'latency', latencyMs: 50 });
    const replies = await Promise.all([1, 2, 3].map(() => post('/api/v3/checkout/sessions', { productId: USD_PRODUCT.id }, 'idem-race')));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
    expect(await created()).toBe(1);
  });

  it('applies to PUT as well', async () => {
    const session = await post('/api/v2/checkout/sessions', { productId: USD_PRODUCT.id }, 'idem-create');
    const put = (body: unknown) =>
      h.api('PUT', `/api/v2/checkout/sessions/${session.body.id}`, body, { authorization: 'Bearer key_a', 'idempotency-key': 'idem-put' });
    const first = await put({ productName: 'A' });
    expect((await put({ productName: 'A' })).body).toEqual(first.body);
    expectError(await put({ productName: 'B' }), 409, 'idempotency_conflict');
  });

  it('does not store rejected requests, so a corrected retry goes through', async () => {
    expectError(await post('/api/v2/checkout/sessions', { productId: 'prod_later' }, 'idem-4'), 404);
    await h.seedProduct({ ...USD_PRODUCT, id: 'prod_later', defaultPriceId: 'price_later' });
    expect((await post('/api/v2/checkout/sessions', { productId: 'prod_later' }, 'idem-4')).status).toBe(200);
  });

  it('keeps keys 24 hours (emulator clock), then forgets them', async () => {
    const first = await post('/api/v3/products', { name: 'P', priceAmount: 1 }, 'idem-5');
    await h.admin('POST', '/_emulator/clock', { advanceSeconds: 23 * 3600 });
    expect((await post('/api/v3/products', { name: 'P', priceAmount: 1 }, 'idem-5')).body.id).toBe(first.body.id);
    await h.admin('POST', '/_emulator/clock', { advanceSeconds: 2 * 3600 });
    const later = await post('/api/v3/products', { name: 'P', priceAmount: 1 }, 'idem-5');
    expect(later.body.id).not.toBe(first.body.id);
  });

  it('reset forgets every key', async () => {
    const first = await post('/api/v3/products', { name: 'P', priceAmount: 1 }, 'idem-6');
    await h.admin('POST', '/_emulator/reset');
    const again = await post('/api/v3/products', { name: 'P', priceAmount: 1 }, 'idem-6');
    expect(again.body.id).not.toBe(first.body.id);
  });

  it('can play a Loops that ignores Idempotency-Key (option and admin toggle); a reset keeps the setting', async () => {
    expect((await h.admin('GET', '/_emulator/options')).body).toEqual({ honourIdempotencyKeys: true });
    expect((await h.admin('POST', '/_emulator/options', { honourIdempotencyKeys: false })).body).toEqual({ honourIdempotencyKeys: false });
    try {
      await h.admin('POST', '/_emulator/reset');
      await h.seedProduct(USD_PRODUCT);
      const body = { productId: USD_PRODUCT.id };
      const first = await post('/api/v3/checkout/sessions', body, 'idem-ignored');
      const second = await post('/api/v3/checkout/sessions', body, 'idem-ignored');
      expect(second.body.id).not.toBe(first.body.id);
      expect(second.headers.get('idempotent-replayed')).toBeNull();
      expect(await created()).toBe(2);
      expectError(await h.admin('POST', '/_emulator/options', { honourIdempotencyKeys: 'no' }), 400);
    } finally {
      await h.admin('POST', '/_emulator/options', { honourIdempotencyKeys: true });
    }
    const third = await post('/api/v3/checkout/sessions', { productId: USD_PRODUCT.id }, 'idem-honoured');
    expect((await post('/api/v3/checkout/sessions', { productId: USD_PRODUCT.id }, 'idem-honoured')).body.id).toBe(third.body.id);
  });

  it('the honourIdempotencyKeys option starts the emulator ignoring keys', async () => {
    const ignoring = await startHarness({ honourIdempotencyKeys: false });
    try {
      expect((await ignoring.admin('GET', '/_emulator/options')).body).toEqual({ honourIdempotencyKeys: false });
    } finally {
      await ignoring.close();
    }
  });
});
