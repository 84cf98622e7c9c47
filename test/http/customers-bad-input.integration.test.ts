import { randomUUID } from 'node:crypto';
import { TEST_KEYS, useStack } from '../helpers/stack';
import { storedStateProbe } from '../helpers/stored-state';

const AUTH = { authorization: `Bearer ${TEST_KEYS.gateway}` };
const FORM = { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' };

/** Refused customer writes: a Stripe-style 4xx each, and nothing stored (no customer, no index entry, no event, no key kept). */
describe('customers: bad input changes nothing', () => {
  let probe: ReturnType<typeof storedStateProbe>;
  let existing: string;

  // Before useStack: after-hooks run in the order declared, so this runs while the stack is up.
  afterAll(() => {
    probe.close();
  });
  // No background work: the delivery worker rewrites a queue key every few seconds.
  const stack = useStack({ background: false });
  beforeAll(async () => {
    probe = storedStateProbe(stack);
    existing = (await stack.stripe().customers.create({ email: 'existing@example.com', metadata: { a: '1' } })).id;
  });

  /** As stripe-node sends them: every POST with a fresh Idempotency-Key (a refused one must not keep it). */
  const request = (method: string, path: string, body?: string) =>
    fetch(`${stack.url}${path}`, { method, headers: { ...FORM, ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}) }, body });
  const create = (body: string) => request('POST', '/v1/customers', body);
  const update = (body: string) => request('POST', `/v1/customers/${existing}`, body);

  const cases: [string, () => Promise<Response>, number, string | undefined, RegExp][] = [
    ['an unknown parameter', () => create('email=a%40b.co&colour=red'), 400, 'colour', /unknown parameter: colour/],
    ['an email that is not one', () => create('email=not-an-email'), 400, 'email', /Invalid email address/],
    ['an email over 512 characters', () => create(`email=${'a'.repeat(510)}%40b.co`), 400, 'email', /at most 512 characters/],
    ['a name over 256 characters', () => create(`name=${'n'.repeat(257)}`), 400, 'name', /at most 256/],
    ['a balance (changes what the customer pays)', () => create('email=a%40b.co&balance=500'), 400, 'balance', /balance/],
    ['coupon (removed in basil)', () => create('coupon=SAVE10'), 400, 'coupon', /unknown parameter: coupon/],
    ['a payment method', () => create('payment_method=pm_card_visa'), 400, 'payment_method', /payment methods live in Loops/],
    ['a lower-case invoice prefix', () => create('invoice_prefix=abc'), 400, 'invoice_prefix', /upper-case/],
    ['51 metadata keys', () => create(Array.from({ length: 51 }, (_, i) => `metadata[k${i}]=v`).join('&')), 400, 'metadata', /at most 50 keys/],
    ['shipping without a name', () => create('shipping[address][city]=X'), 400, 'shipping[name]', /Missing required param: shipping\[name\]/],
    ['an unsupported expansion', () => create('expand[]=subscriptions'), 400, 'expand', /subscriptions/],
    ['an update with a bad email', () => update('email=nope'), 400, 'email', /Invalid email address/],
    [
      'an update past 50 metadata keys',
      () => update(Array.from({ length: 50 }, (_, i) => `metadata[n${i}]=v`).join('&')),
      400,
      'metadata',
      /at most 50 keys/,
    ],
    ['an update of an unknown customer', () => request('POST', '/v1/customers/cus_NoSuchOne', 'name=x'), 404, 'id', /No such customer/],
    ['an update of a malformed id', () => request('POST', '/v1/customers/..%2F..%2Fsession', 'name=x'), 404, 'id', /No such customer/],
    ['a delete with a parameter', () => request('DELETE', `/v1/customers/${existing}?cascade=true`), 400, 'cascade', /unknown parameter/],
    ['a delete of an unknown customer', () => request('DELETE', '/v1/customers/cus_NoSuchOne'), 404, 'id', /No such customer/],
    [
      'a list cursor that names no customer',
      () => request('GET', '/v1/customers?starting_after=cus_NoSuchOne'),
      400,
      'starting_after',
      /No such customer/,
    ],
    ['a search without a query', () => request('GET', '/v1/customers/search'), 400, 'query', /Missing required param: query/],
    [
      'a forged search page',
      () => request('GET', `/v1/customers/search?query=name%3A'x'&page=page_${Buffer.from('{"i":"x"}').toString('base64url')}`),
      400,
      'page',
      /Invalid page/,
    ],
  ];

  it.each(cases)('%s → Stripe-style error, nothing stored', async (_name, send, status, param, message) => {
    const before = await probe.snapshot();
    const response = await send();
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: { type: string; message: string; param?: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', message: expect.stringMatching(message), ...(param ? { param } : {}) });
    expect(await probe.changesSince(before)).toEqual([]);
  });

  it('a checkout naming an unknown or deleted customer → 400 on `customer`, nothing stored, nothing made in Loops', async () => {
    const deleted = (await stack.stripe().customers.create()).id;
    expect((await request('DELETE', `/v1/customers/${deleted}`)).status).toBe(200);
    for (const customer of ['cus_NoSuchOne', deleted]) {
      const before = await probe.snapshot();
      const productsBefore = (await stack.loops.admin('GET', '/_emulator/stats')).json.productsCreated;
      const response = await request(
        'POST',
        '/v1/checkout/sessions',
        `mode=payment&customer=${customer}&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=999&line_items[0][price_data][product_data][name]=Never%20made&line_items[0][quantity]=1`,
      );
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { code: 'resource_missing', param: 'customer', message: `No such customer: '${customer}'` },
      });
      expect(await probe.changesSince(before)).toEqual([]);
      expect((await stack.loops.admin('GET', '/_emulator/stats')).json.productsCreated).toBe(productsBefore);
    }
  });

  it('the probe sees what a successful create and update store (so an empty diff above means something)', async () => {
    const before = await probe.snapshot();
    expect((await create('email=seen%40example.com')).status).toBe(200);
    expect((await update('name=Seen')).status).toBe(200);
    const changes = await probe.changesSince(before);
    for (const part of [':customer:', ':customers', ':customers:email:', ':customers:email-folded:', ':idem:', ':event:', ':events']) {
      expect(changes.some((key) => key.includes(part))).toBe(true);
    }
  });
});
