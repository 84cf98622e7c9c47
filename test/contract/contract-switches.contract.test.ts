import Stripe from 'stripe';
import { type Stack, useStack } from '../helpers/stack';

/**
 * docs/loops-contract.md §8 is [chosen] throughout, so each part sits behind a switch
 * (LOOPS_SUBSCRIPTIONS, LOOPS_CUSTOMER_PORTAL, LOOPS_TRIALS): switched off, the Stripe calls that
 * need it are refused with a clear 400 before Loops is asked, and everything else keeps working.
 */
describe('Loops contract switches (stripe-node)', () => {
  const stats = async (stack: Stack) => (await stack.loops.admin('GET', '/_emulator/stats')).json as { sessionsCreated: number; requests: unknown[] };

  describe('subscriptions and the customer portal off', () => {
    let stripe: Stripe;
    const stack = useStack({ env: { LOOPS_SUBSCRIPTIONS: 'false', LOOPS_CUSTOMER_PORTAL: 'false' } });
    beforeAll(() => {
      stripe = stack.stripe({ maxNetworkRetries: 0 });
    });

    it('refuses mode=subscription with a 400 naming the switch; payment mode still works', async () => {
      const before = await stats(stack);
      await expect(
        stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: 'price_pro_monthly', quantity: 1 }] }),
      ).rejects.toMatchObject({
        type: 'StripeInvalidRequestError',
        statusCode: 400,
        param: 'mode',
        message: expect.stringContaining('LOOPS_SUBSCRIPTIONS=false'),
      });
      expect((await stats(stack)).sessionsCreated).toBe(before.sessionsCreated);
      const session = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_tshirt', quantity: 1 }] });
      expect(session.status).toBe('open');
    });

    it('refuses billingPortal.sessions.create with a 400 naming the switch; configurations are still kept', async () => {
      const customer = await stripe.customers.create({ email: 'portal.off@example.com' });
      const before = await stats(stack);
      await expect(stripe.billingPortal.sessions.create({ customer: customer.id, return_url: 'https://x.example' })).rejects.toMatchObject({
        statusCode: 400,
        message: expect.stringContaining('LOOPS_CUSTOMER_PORTAL=false'),
      });
      expect((await stats(stack)).requests).toHaveLength(before.requests.length);
      expect((await stripe.billingPortal.configurations.list()).data.length).toBeGreaterThan(0);
    });
  });

  describe('trials off', () => {
    let stripe: Stripe;
    const stack = useStack({ env: { LOOPS_TRIALS: 'false' } });
    beforeAll(() => {
      stripe = stack.stripe({ maxNetworkRetries: 0 });
    });

    it.each([
      ['trial_period_days', { trial_period_days: 14 }],
      ['trial_end', { trial_end: Math.floor(Date.now() / 1000) + 10 * 86_400 }],
    ])('refuses subscription_data[%s] with a 400 naming it; a subscription without trial still works', async (name, data) => {
      const before = await stats(stack);
      await expect(
        stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: 'price_pro_monthly', quantity: 1 }], subscription_data: data }),
      ).rejects.toMatchObject({ statusCode: 400, param: `subscription_data[${name}]`, message: expect.stringContaining('LOOPS_TRIALS=false') });
      expect((await stats(stack)).sessionsCreated).toBe(before.sessionsCreated);
      const session = await stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: 'price_pro_monthly', quantity: 1 }],
        subscription_data: { metadata: { plan: 'pro' } },
      });
      expect(session.status).toBe('open');
    });
  });
});
