import Stripe from 'stripe';
import { TEST_KEYS, useStack } from '../helpers/stack';

const AUTH = { authorization: `Bearer ${TEST_KEYS.gateway}` };
const FORM = { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' };

/** Create and update parameters at the edges: empty values, Loops' limits, odd names and indexes. */
describe('session parameters (stripe-node and raw forms)', () => {
  let stripe: Stripe;

  const stack = useStack();
  beforeAll(() => {
    stripe = stack.stripe({ maxNetworkRetries: 0 });
  });

  const sessionsCreated = async (): Promise<number> => (await stack.loops.admin('GET', '/_emulator/stats')).json.sessionsCreated;
  const loopsMetadata = async (id: string) => (await stack.loops.api('GET', `/api/v3/checkout/sessions/${id}`)).json.metadata;
  const base = { mode: 'payment' as const, line_items: [{ price: 'price_tshirt', quantity: 1 }] };
  const postForm = async (body: string, query = '') => {
    const response = await fetch(`${stack.url}/v1/checkout/sessions${query}`, { method: 'POST', headers: FORM, body });
    return { status: response.status, json: (await response.json()) as any };
  };

  it('an empty metadata value on create (stripe-node sends null as `metadata[k]=`) means "not set": neither stored nor sent to Loops', async () => {
    const session = await stripe.checkout.sessions.create({ ...base, metadata: { order_id: 'A 1', empty: null as unknown as string } });
    expect(session.metadata).toEqual({ order_id: 'A 1' });
    expect((await stripe.checkout.sessions.retrieve(session.id)).metadata).toEqual({ order_id: 'A 1' });
    expect(await loopsMetadata(session.id)).toEqual({ order_id: 'A 1', gateway_operation: expect.any(String) });
    // On update an empty value still removes the key (docs/stripe-checkout-contract.md §5.3).
    const updated = await stripe.checkout.sessions.update(session.id, { metadata: { order_id: '' } });
    expect(updated.metadata).toEqual({});
  });

  it('limit=0 (and 101) is refused on lists', async () => {
    await expect(stripe.checkout.sessions.list({ limit: 0 })).rejects.toMatchObject({ type: 'StripeInvalidRequestError', param: 'limit' });
    await expect(stripe.checkout.sessions.list({ limit: 101 })).rejects.toMatchObject({ param: 'limit' });
  });

  it('metadata within Stripe’s limits but over Loops’ 5 KB is a 400 naming `metadata`, before Loops is called', async () => {
    const big = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`key_${i}`, 'v'.repeat(400)]));
    const before = await sessionsCreated();
    await expect(stripe.checkout.sessions.create({ ...base, metadata: big })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      param: 'metadata',
      message: expect.stringContaining('Loops accepts at most 5120 bytes'),
    });
    expect(await sessionsCreated()).toBe(before);
    // On update the merged result counts.
    const session = await stripe.checkout.sessions.create({ ...base, metadata: Object.fromEntries(Object.entries(big).slice(0, 10)) });
    await expect(stripe.checkout.sessions.update(session.id, { metadata: Object.fromEntries(Object.entries(big).slice(10)) })).rejects.toMatchObject({
      param: 'metadata',
      message: expect.stringContaining('5120 bytes'),
    });
    expect(Object.keys((await stripe.checkout.sessions.retrieve(session.id)).metadata ?? {})).toHaveLength(10);
  });

  it('known parameters with values Loops cannot honour are refused without `code: parameter_unknown`', async () => {
    for (const params of [
      { ...base, mode: 'setup' },
      { ...base, ui_mode: 'embedded_page' },
      { mode: 'payment', line_items: [{ price_data: { currency: 'usd', unit_amount_decimal: '12.5', product_data: { name: 'X' } }, quantity: 1 }] },
      { ...base, shipping_address_collection: { allowed_countries: ['US'] } },
    ]) {
      const error = (await stripe.checkout.sessions
        .create(params as Stripe.Checkout.SessionCreateParams)
        .catch((e: unknown) => e)) as Stripe.errors.StripeError;
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error.code).toBeUndefined();
      expect(error.message).toMatch(/does not support|whole minor units/);
    }
    await expect(stripe.checkout.sessions.create({ ...base, colour: 'red' } as Stripe.Checkout.SessionCreateParams)).rejects.toMatchObject({
      code: 'parameter_unknown',
    });
  });

  it('metadata keys `constructor` and `prototype` are ordinary keys, as in Stripe; `__proto__` is refused', async () => {
    const session = await stripe.checkout.sessions.create({ ...base, metadata: { constructor: 'c', prototype: 'p', toString: 't' } });
    expect(session.metadata).toEqual({ constructor: 'c', prototype: 'p', toString: 't' });
    expect((await stripe.checkout.sessions.retrieve(session.id)).metadata).toEqual({ constructor: 'c', prototype: 'p', toString: 't' });
    const refused = await postForm('line_items[0][price]=price_tshirt&metadata[__proto__]=x');
    expect(refused).toMatchObject({ status: 400, json: { error: { message: expect.stringContaining('Invalid parameter name') } } });
  });

  it('errors name the line item index the client sent, also when indexes are sparse', async () => {
    const unmapped = await postForm('line_items[0][price]=price_tshirt&line_items[5][price]=nope');
    expect(unmapped).toMatchObject({ status: 400, json: { error: { code: 'resource_missing', param: 'line_items[5][price]' } } });
    const badQuantity = await postForm('line_items[0][price]=price_tshirt&line_items[7][price]=price_mug&line_items[7][quantity]=many');
    expect(badQuantity.json.error).toMatchObject({ code: 'parameter_invalid_integer', param: 'line_items[7][quantity]' });
    const unsupported = await postForm('line_items[3][price]=price_tshirt&line_items[3][tax_rates][0]=txr_1');
    expect(unsupported.json.error).toMatchObject({ param: 'line_items[3][tax_rates]' });
  });

  it('query and body are one bag, merged at every depth', async () => {
    const { status, json } = await postForm('line_items[0][price]=price_tshirt&metadata[b]=2', '?metadata[a]=1&line_items[0][quantity]=3');
    expect(status).toBe(200);
    expect(json.metadata).toEqual({ a: '1', b: '2' });
    expect(json.amount_total).toBe(3 * 2000);
  });
});
