import Stripe from 'stripe';
import { TEST_KEYS, useStack } from '../helpers/stack';

const OLD = '2024-06-20';
const CURRENT = '2026-10-28.endive';

/**
 * The request's `Stripe-Version` decides the shape of every answer (docs/stripe-checkout-contract.md §0.9, §5.3):
 * `ui_mode`'s name, which payment-method parameter exists and which fields the session has,
 * whatever version created the session; a malformed version is refused.
 */
describe('Stripe-Version (stripe-node per-request apiVersion)', () => {
  let stripe: Stripe;

  const stack = useStack();
  beforeAll(() => {
    stripe = stack.stripe({ maxNetworkRetries: 0 });
  });

  const base = { mode: 'payment' as const, line_items: [{ price: 'price_tshirt', quantity: 1 }] };
  const old = { apiVersion: OLD };

  it('ui_mode follows the version of each request, not the one that created the session', async () => {
    const created = await stripe.checkout.sessions.create(base);
    expect(created.ui_mode).toBe('hosted_page');
    expect(created.lastResponse.apiVersion).toBe(CURRENT);
    const readOld = await stripe.checkout.sessions.retrieve(created.id, {}, old);
    expect(readOld.ui_mode as string).toBe('hosted');
    expect(readOld.lastResponse.apiVersion).toBe(OLD);

    const createdOld = await stripe.checkout.sessions.create(base, old);
    expect(createdOld.ui_mode as string).toBe('hosted');
    expect((await stripe.checkout.sessions.retrieve(createdOld.id)).ui_mode).toBe('hosted_page');
    const listedOld = await stripe.checkout.sessions.list({ limit: 2 }, old);
    expect(listedOld.data.map((s) => s.ui_mode as string)).toEqual(['hosted', 'hosted']);
  });

  it('endive takes allowed_payment_method_types and refuses payment_method_types; older versions the reverse', async () => {
    const endive = await stripe.checkout.sessions.create({ ...base, allowed_payment_method_types: ['card'] });
    expect(endive).toMatchObject({ allowed_payment_method_types: ['card'], payment_method_types: ['card'] });
    await expect(
      stripe.checkout.sessions.create({ ...base, payment_method_types: ['card'] } as Stripe.Checkout.SessionCreateParams),
    ).rejects.toMatchObject({ type: 'StripeInvalidRequestError', code: 'parameter_unknown', param: 'payment_method_types' });

    const older = await stripe.checkout.sessions.create({ ...base, payment_method_types: ['card'] } as Stripe.Checkout.SessionCreateParams, old);
    expect(older.payment_method_types).toEqual(['card']);
    // The field did not exist before 2026-09-30.
    expect('allowed_payment_method_types' in older).toBe(false);
    await expect(stripe.checkout.sessions.create({ ...base, allowed_payment_method_types: ['card'] }, old)).rejects.toMatchObject({
      code: 'parameter_unknown',
      param: 'allowed_payment_method_types',
    });
    // Read in the current version, the session made with the old name shows both fields.
    expect(await stripe.checkout.sessions.retrieve(older.id)).toMatchObject({
      allowed_payment_method_types: ['card'],
      payment_method_types: ['card'],
    });
    expect((await stripe.checkout.sessions.create(base)).allowed_payment_method_types).toBeNull();
  });

  it('a malformed Stripe-Version is a 400 in Stripe’s shape, not echoed', async () => {
    for (const version of ['banana', '2024-13-01', '2024-06-20 endive', '2024-06-20.', '20240620']) {
      const response = await fetch(`${stack.url}/v1/checkout/sessions`, {
        headers: { authorization: `Bearer ${TEST_KEYS.gateway}`, 'stripe-version': version },
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('stripe-version')).toBeNull();
      expect(response.headers.get('request-id')).toMatch(/^req_/);
      expect(await response.json()).toEqual({
        error: { type: 'invalid_request_error', message: expect.stringContaining(`Invalid Stripe API version: ${version}`) },
      });
    }
    const error = await stripe.checkout.sessions.list({}, { apiVersion: 'not-a-version' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  });
});
