import Stripe from 'stripe';
import { useStack } from '../helpers/stack';

/**
 * Loops' own 4xx answers reach merchant code as Stripe errors carrying Loops' message
 * (docs/errors.md): 404 → 404 `resource_missing`, other 4xx → 400.
 * Driven by emulator faults that answer with Loops' error body.
 */
describe('Loops 4xx errors as stripe-node raises them', () => {
  let stripe: Stripe;

  const stack = useStack();
  beforeAll(() => {
    stripe = stack.stripe({ maxNetworkRetries: 0 });
  });
  afterEach(() => stack.loops.admin('DELETE', '/_emulator/faults'));

  const base = { mode: 'payment' as const, line_items: [{ price: 'price_tshirt', quantity: 1 }] };
  const loopsAnswers = (method: string, path: string, status: number, code: string, message: string) =>
    stack.loops.admin('POST', '/_emulator/faults', { method, path, mode: 'error', status, code, message, times: 1 });
  const sessionsCreated = async (): Promise<number> => (await stack.loops.admin('GET', '/_emulator/stats')).json.sessionsCreated;

  it.each([
    [400, 'validation_error', 'customer_email: invalid address'],
    [409, 'session_not_open', 'Checkout session is completed'],
    [422, 'unprocessable', 'Product cannot be sold in this currency'],
  ])('Loops %i on create → 400 StripeInvalidRequestError with Loops’ message', async (status, code, message) => {
    await loopsAnswers('POST', '/api/v3/checkout/sessions', status, code, message);
    const before = await sessionsCreated();
    const error = await stripe.checkout.sessions.create(base).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, rawType: 'invalid_request_error', message: `Loops: ${message}` });
    expect(await sessionsCreated()).toBe(before);
  });

  it('Loops 404 on create → 404 resource_missing with Loops’ message', async () => {
    await loopsAnswers('POST', '/api/v3/checkout/sessions', 404, 'product_not_found', 'Product Not Found');
    await expect(stripe.checkout.sessions.create(base)).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 404,
      code: 'resource_missing',
      message: 'Loops: Product Not Found',
    });
  });

  it('Loops 4xx on a metadata update → 400 naming `metadata`, and the stored metadata is unchanged', async () => {
    const session = await stripe.checkout.sessions.create({ ...base, metadata: { a: '1' } });
    await loopsAnswers('PUT', `/api/v2/checkout/sessions/${session.id}`, 400, 'validation_error', 'metadata: not accepted');
    await expect(stripe.checkout.sessions.update(session.id, { metadata: { b: '2' } })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      param: 'metadata',
      message: 'Loops: metadata: not accepted',
    });
    expect((await stripe.checkout.sessions.retrieve(session.id)).metadata).toEqual({ a: '1' });
  });

  it('Loops 404 on a price_data product create → 400 naming the line item', async () => {
    await loopsAnswers('POST', '/api/v3/products', 404, 'not_found', 'Merchant Not Found');
    await expect(
      stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price_data: { currency: 'usd', unit_amount: 4242, product_data: { name: 'Loops 404 test' } }, quantity: 1 }],
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'line_items[0][price_data]', message: 'Loops: Merchant Not Found' });
  });
});
