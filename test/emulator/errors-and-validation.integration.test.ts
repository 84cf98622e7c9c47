import { API_KEY, expectError, startHarness, USD_PRODUCT, type Harness } from './support/harness';

/** One request per route family (loops-api.md §1: every `/api/` route needs the bearer key). */
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
  ['POST', '/api/v3/payment-links'],
  ['GET', '/api/v3/payment-links'],
  ['PUT', '/api/v3/payment-links/pl_x'],
];

describe('errors and validation (loops-api.md §1, §2)', () => {
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

  it('unknown routes and methods get a JSON 4xx', async () => {
    expectError(await h.api('GET', '/api/v9/nothing'), 404, 'route_not_found');
    expectError(await h.api('DELETE', '/api/v2/checkout/sessions/cs_x'), 405, 'method_not_allowed');
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
