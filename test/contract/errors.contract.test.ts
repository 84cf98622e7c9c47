import Stripe from 'stripe';
import { startStack, useStack } from '../helpers/stack';

/** Every error the gateway produces reaches merchant code as the SDK class Stripe would raise. */
describe('errors as stripe-node raises them', () => {
  let stripe: Stripe;

  const stack = useStack();
  beforeAll(() => {
    stripe = stack.stripe({ maxNetworkRetries: 0 });
  });
  afterEach(() => stack.loops.admin('DELETE', '/_emulator/faults'));

  const create = (params: Record<string, unknown>, client = stripe) =>
    client.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: 'price_tshirt', quantity: 1 }],
      ...params,
    } as Stripe.Checkout.SessionCreateParams);

  it('unknown parameter → StripeInvalidRequestError parameter_unknown with the bracket path', async () => {
    await expect(create({ line_items: [{ price: 'price_tshirt', quantity: 1, colour: 'red' }] })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      rawType: 'invalid_request_error',
      statusCode: 400,
      code: 'parameter_unknown',
      param: 'line_items[0][colour]',
      message: 'Received unknown parameter: line_items[0][colour]',
    });
  });

  it('unmapped price → 400 resource_missing naming the price and how to map it', async () => {
    const error = await create({
      line_items: [
        { price: 'price_tshirt', quantity: 1 },
        { price: 'price_unknown', quantity: 1 },
      ],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'line_items[1][price]' });
    expect((error as Error).message).toContain("No such price: 'price_unknown'");
    expect((error as Error).message).toContain('npm run map');
  });

  it('missing, invalid and unsupported values name their parameter', async () => {
    await expect(stripe.checkout.sessions.create({ mode: 'payment' })).rejects.toMatchObject({ code: 'parameter_missing', param: 'line_items' });
    await expect(create({ line_items: [{ price: 'price_tshirt', quantity: 'two' }] })).rejects.toMatchObject({
      code: 'parameter_invalid_integer',
      param: 'line_items[0][quantity]',
    });
    await expect(create({ mode: 'sometimes' })).rejects.toMatchObject({ type: 'StripeInvalidRequestError', param: 'mode' });
    await expect(create({ success_url: 'not a url' })).rejects.toMatchObject({ code: 'url_invalid', param: 'success_url' });
    await expect(create({ customer_email: 'nobody' })).rejects.toMatchObject({ code: 'email_invalid', param: 'customer_email' });
    await expect(create({ discounts: [{ coupon: 'SAVE10' }] })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      param: 'discounts',
      message: 'The gateway does not support `discounts`: discounts change what the customer pays; Loops has none.',
    });
    await expect(create({ mode: 'subscription' })).rejects.toMatchObject({ message: expect.stringContaining('recurring price') });
    await expect(create({ line_items: [{ price: 'price_pro_monthly', quantity: 1 }] })).rejects.toMatchObject({
      message: expect.stringContaining('switch to `subscription` mode'),
    });
    await expect(
      create({
        line_items: [
          { price: 'price_tshirt', quantity: 1 },
          { price: 'price_yen', quantity: 1 },
        ],
      }),
    ).rejects.toMatchObject({
      message: 'All line items must use the same currency.',
    });
    await expect(create({ expires_at: Math.floor(Date.now() / 1000) + 60 })).rejects.toMatchObject({ param: 'expires_at' });
  });

  it('unknown session id → 404 StripeInvalidRequestError resource_missing', async () => {
    await expect(stripe.checkout.sessions.retrieve('cs_does_not_exist')).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 404,
      code: 'resource_missing',
      message: "No such checkout.session: 'cs_does_not_exist'",
    });
  });

  it('endpoints the gateway does not provide → 404 saying so', async () => {
    await expect(stripe.paymentIntents.retrieve('pi_123')).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 404,
      message: expect.stringContaining('not provided by the Stripe-to-Loops gateway'),
    });
  });

  it('a wrong key → StripeAuthenticationError that does not repeat the key', async () => {
    const wrongKey = 'sk_test_this_key_is_wrong_9876';
    const error = await create({}, stack.stripe({ key: wrongKey, maxNetworkRetries: 0 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect((error as Error).message).toBe('Invalid API Key provided: sk_test_****9876');
  });

  it('a missing key → 401 in Stripe’s envelope', async () => {
    const response = await fetch(`${stack.url}/v1/checkout/sessions`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: { type: 'invalid_request_error', message: expect.stringContaining('You did not provide an API key') },
    });
  });

  it('a reused Idempotency-Key with other parameters → StripeIdempotencyError', async () => {
    await create({}, stripe);
    await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }] }, { idempotencyKey: 'reuse-me' });
    await expect(
      stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_mug', quantity: 2 }] }, { idempotencyKey: 'reuse-me' }),
    ).rejects.toMatchObject({ type: 'StripeIdempotencyError', rawType: 'idempotency_error', statusCode: 400 });
  });

  it('a key whose first request is still running → 409, StripeAPIError once retries are spent', async () => {
    await stack.loops.admin('POST', '/_emulator/faults', {
      method: 'POST',
      path: '/api/v3/checkout/sessions',
      mode: 'latency',
      latencyMs: 600,
      times: 1,
    });
    const firstWithKey = stripe.checkout.sessions.create(
      { mode: 'payment', line_items: [{ price: 'price_poster', quantity: 1 }] },
      { idempotencyKey: 'busy-key' },
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    const second = stripe.checkout.sessions.create(
      { mode: 'payment', line_items: [{ price: 'price_poster', quantity: 1 }] },
      { idempotencyKey: 'busy-key' },
    );
    await expect(second).rejects.toMatchObject({ type: 'StripeAPIError', statusCode: 409, code: 'idempotency_key_in_use' });
    const done = await firstWithKey;
    expect(done.status).toBe('open');
    // Once the first finished, the key replays it.
    const replay = await stripe.checkout.sessions.create(
      { mode: 'payment', line_items: [{ price: 'price_poster', quantity: 1 }] },
      { idempotencyKey: 'busy-key' },
    );
    expect(replay.id).toBe(done.id);
  });

  it('Loops failing → 502 api_error (StripeAPIError) that is safe to retry', async () => {
    await stack.loops.admin('POST', '/_emulator/faults', { method: 'POST', path: '/api/v3/checkout/sessions', mode: 'error', status: 503 });
    await expect(create({})).rejects.toMatchObject({ type: 'StripeAPIError', statusCode: 502, rawType: 'api_error' });
  });

  it('Loops rate-limiting → StripeRateLimitError', async () => {
    await stack.loops.admin('POST', '/_emulator/faults', { method: 'POST', path: '/api/v3/checkout/sessions', mode: 'error', status: 429 });
    await expect(create({})).rejects.toMatchObject({ type: 'StripeRateLimitError', statusCode: 429, code: 'rate_limit' });
  });

  it('Loops rejecting the gateway’s own key → 500 that says it is a configuration problem and is not retried', async () => {
    const misconfigured = await startStack({ env: { LOOPS_API_KEY: 'loops_key_that_loops_rejects' } });
    try {
      const error = await create({}, misconfigured.stripe()).catch((e: unknown) => e);
      expect(error).toMatchObject({ type: 'StripeAPIError', statusCode: 500, message: expect.stringContaining('gateway configuration problem') });
      expect((error as Stripe.errors.StripeError).headers?.['stripe-should-retry']).toBe('false');
      const posts = (await misconfigured.loops.admin('GET', '/_emulator/stats')).json.requests.filter(
        (r: { method: string; path: string }) => r.method === 'POST' && r.path === '/api/v3/checkout/sessions',
      );
      expect(posts).toHaveLength(1);
      expect(JSON.stringify(error)).not.toContain('loops_key_that_loops_rejects');
    } finally {
      await misconfigured.close();
    }
  });
});
