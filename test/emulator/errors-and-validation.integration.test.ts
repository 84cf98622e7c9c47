import { API_KEY, expectError, startHarness, USD_PRODUCT, type Harness } from './support/harness';

/** One request per route family (docs/loops-contract.md §1: every `/api/` route needs the bearer key). */
const ROUTES: Array<[string, string]> = [
  ['POST', '/api/v1/checkout/sessions'],
  ['GET', '/api/v1/checkout/sessions'],
  ['POST', '/api/v2/checkout/sessions'],
  ['GET', '/api/v2/checkout/sessions'],
  ['GET', '/api/v2/checkout/sessions/cs_x'],
  ['PUT', '/api/v2/checkout/sessions/cs_x'],
  ['POST', '/api/v3/checkout/sessions'],
  ['GET', '/api/v3/checkout/sessions'],
  ['GET', '/api/v3/checkout/sessions/cs_x'],
  ['POST', '/api/v3/products'],
  ['GET', '/api/v3/products'],
  ['GET', '/api/v3/products/prod_x'],
  ['GET', '/api/v2/products'],
  ['POST', '/api/v2/products'],
  ['GET', '/api/v2/products/prod_x'],
  ['POST', '/api/v3/payment-links'],
  ['GET', '/api/v3/payment-links'],
  ['PUT', '/api/v3/payment-links/pl_x'],
];

describe('errors and validation (docs/loops-contract.md §1, §2)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ apiKeys: [API_KEY, 'second_key'] });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.admin('POST', '/_emulator/reset');
    await h.seedProduct(USD_PRODUCT);
  });

  const sessionCount = async () => (await h.api('GET', '/api/v2/checkout/sessions')).body.total as number;

  it.each(ROUTES)('%s %s answers 401 without a valid bearer key', async (method, path) => {
    const body = method === 'GET' ? undefined : {};
    expectError(await h.api(method, path, body, { authorization: '' }), 401, 'unauthorized');
    expectError(await h.api(method, path, body, { authorization: 'Bearer wrong' }), 401, 'unauthorized');
    expectError(await h.api(method, path, body, { authorization: API_KEY }), 401, 'unauthorized');
  });

  it('accepts every configured key', async () => {
    const reply = await h.api('GET', '/api/v3/products', undefined, { authorization: 'Bearer second_key' });
    expect(reply.status).toBe(200);
  });

  it.each([
    ['/api/v1/checkout/sessions'],
    ['/api/v2/checkout/sessions'],
    ['/api/v3/checkout/sessions'],
    ['/api/v3/products'],
    ['/api/v3/payment-links'],
  ])('POST %s with malformed JSON is a 400 and changes nothing', async (path) => {
    for (const raw of ['{"productId":', 'not json', '"a string"', '42']) {
      expectError(await h.api('POST', path, raw), 400, 'invalid_json');
    }
    expectError(await h.api('POST', path, 'productId=prod_tshirt', { 'content-type': 'application/x-www-form-urlencoded' }), 400, 'invalid_content_type');
    expect(await sessionCount()).toBe(0);
    expect((await h.api('GET', '/api/v3/products')).body.data).toHaveLength(1);
    expect((await h.api('GET', '/api/v3/payment-links')).body.data).toHaveLength(0);
    expect((await h.admin('GET', '/_emulator/stats')).body.sessionsCreated).toBe(0);
  });

  it('PUT with malformed JSON is a 400 and leaves the session as it was', async () => {
    const { body } = await h.api('POST', '/api/v2/checkout/sessions', { productId: USD_PRODUCT.id });
    expectError(await h.api('PUT', `/api/v2/checkout/sessions/${body.id}`, '{"amount": 1,'), 400, 'invalid_json');
    expect((await h.api('GET', `/api/v2/checkout/sessions/${body.id}`)).body).toEqual(body);
  });

  it('unknown routes and methods get a JSON 4xx; unknown pages outside the APIs a plain 404', async () => {
    expectError(await h.api('GET', '/api/v9/nothing'), 404, 'route_not_found');
    expectError(await h.api('DELETE', '/api/v2/checkout/sessions/cs_x'), 405, 'method_not_allowed');
    for (const path of ['/', '/nope', '/favicon.ico']) expect((await fetch(`${h.url}${path}`)).status).toBe(404);
  });

  const postBytes = (path: string, bytes: Buffer, contentType = 'application/json') =>
    fetch(`${h.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': contentType }, body: bytes });

  it('a body that is not valid UTF-8, or declares another charset, is a 400 and stores nothing', async () => {
    const invalid = Buffer.concat([Buffer.from(`{"productId":"${USD_PRODUCT.id}","metadata":{"a":"`), Buffer.from([0xff, 0xfe]), Buffer.from('"}}')]);
    const reply = await postBytes('/api/v2/checkout/sessions', invalid);
    expect(reply.status).toBe(400);
    expect(await reply.json()).toEqual({ error: { message: 'Request body is not valid UTF-8', code: 'invalid_json' } });
    const latin1 = await postBytes('/api/v2/checkout/sessions', Buffer.from(`{"productId":"${USD_PRODUCT.id}"}`), 'application/json; charset=latin1');
    expect(latin1.status).toBe(400);
    expect(((await latin1.json()) as { error: { code: string } }).error.code).toBe('invalid_content_type');
    expect(await sessionCount()).toBe(0);
  });

  it('valid UTF-8 is kept byte for byte, U+FFFD and multibyte characters included', async () => {
    const text = 'caf\u00e9 \ufffd \u{1f600}';
    const reply = await postBytes('/api/v2/checkout/sessions', Buffer.from(JSON.stringify({ productId: USD_PRODUCT.id, metadata: { a: text } }), 'utf8'));
    expect(reply.status).toBe(200);
    expect(((await reply.json()) as { metadata: Record<string, string> }).metadata).toEqual({ a: text });
  });

  it('V3 expires_at must be unix seconds within 30 days: milliseconds are a 400', async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    expectError(await h.api('POST', '/api/v3/checkout/sessions', { productId: USD_PRODUCT.id, expires_at: nowSeconds * 1000 }), 400, 'validation_error');
    expectError(await h.api('POST', '/api/v3/checkout/sessions', { productId: USD_PRODUCT.id, expires_at: nowSeconds - 10 }), 400, 'validation_error');
    expect(await sessionCount()).toBe(0);
    const ok = await h.api('POST', '/api/v3/checkout/sessions', { productId: USD_PRODUCT.id, expires_at: nowSeconds + 29 * 86_400 });
    expect(ok.body.expires_at).toBe(nowSeconds + 29 * 86_400);
  });

  it('amounts stay exact integers: a total above 999999999999 minor units is a 400', async () => {
    const big = await h.api('POST', '/api/v3/products', { name: 'Big', priceAmount: 999_999_999_999, priceCurrency: 'usd' });
    expect(big.status).toBe(200);
    expect((await h.api('POST', '/api/v3/products', { name: 'Bigger', priceAmount: 1_000_000_000_000, priceCurrency: 'usd' })).status).toBe(400);
    expectError(await h.api('POST', '/api/v3/checkout/sessions', { productId: big.body.id, quantity: 2 }), 400, 'invalid_amount');
    const one = await h.api('POST', '/api/v3/checkout/sessions', { productId: big.body.id, quantity: 1 });
    expect(one.body.amount_total).toBe(999_999_999_999);
    expectError(await h.api('PUT', `/api/v2/checkout/sessions/${one.body.id}`, { amount: 1e20 }), 400, 'invalid_amount');
  });

  describe('metadata limits on every create and update (§2)', () => {
    const fiftyOne = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    const tooBig = { big: 'x'.repeat(5 * 1024) };
    const justFits = { big: 'x'.repeat(5 * 1024 - '{"big":""}'.length) };
    const invalid = [fiftyOne, { n: 1 }, { nested: { a: 'b' } }, { flag: true }, tooBig, ['a']];

    const targets = async (): Promise<Array<[string, string, Record<string, unknown>]>> => {
      const link = await h.api('POST', '/api/v3/payment-links', { productIds: [USD_PRODUCT.id] });
      const session = await h.api('POST', '/api/v2/checkout/sessions', { productId: USD_PRODUCT.id });
      return [
        ['POST', '/api/v1/checkout/sessions', { paymentLinkId: link.body.id }],
        ['POST', '/api/v2/checkout/sessions', { productId: USD_PRODUCT.id }],
        ['POST', '/api/v3/checkout/sessions', { productId: USD_PRODUCT.id }],
        ['PUT', `/api/v2/checkout/sessions/${session.body.id}`, {}],
        ['POST', '/api/v3/products', { name: 'x', priceAmount: 1 }],
        ['POST', '/api/v3/payment-links', { productIds: [USD_PRODUCT.id] }],
        ['PUT', `/api/v3/payment-links/${link.body.id}`, {}],
      ];
    };

    it('rejects 51 keys, non-string values and more than 5 KB, storing nothing', async () => {
      const before = (await h.admin('GET', '/_emulator/stats')).body;
      for (const [method, path, base] of await targets()) {
        for (const metadata of invalid) expectError(await h.api(method, path, { ...base, metadata }), 400, 'validation_error');
      }
      const after = (await h.admin('GET', '/_emulator/stats')).body;
      expect([after.sessionsCreated, after.productsCreated, after.paymentLinksCreated]).toEqual([
        before.sessionsCreated + 1,
        before.productsCreated,
        before.paymentLinksCreated + 1,
      ]);
    });

    it('accepts exactly 50 keys and exactly 5 KB', async () => {
      expect(Buffer.byteLength(JSON.stringify(justFits))).toBe(5 * 1024);
      for (const [method, path, base] of await targets()) {
        for (const metadata of [fifty, justFits]) expect((await h.api(method, path, { ...base, metadata })).status).toBe(200);
      }
    });
  });
});
