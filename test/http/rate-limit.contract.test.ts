import Stripe from 'stripe';
import { useStack } from '../helpers/stack';

const A = 'sk_test_rate_limit_tenant_a_01';
const B = 'sk_test_rate_limit_tenant_b_02';

/** Stripe's per-key rate limit: 429 `rate_limit`, which stripe-node raises and does not retry. */
describe('per-key rate limit', () => {
  const stack = useStack({
    tenants: [
      { id: 'a', apiKeys: [A] },
      { id: 'b', apiKeys: [B] },
    ],
    // One token a second: the burst is spent and the sixth request refused unless a whole second
    // passes meanwhile (at 5 a second, 200 ms of a stalled test process were enough to refill one).
    env: { RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '5' },
  });

  const limitedRequests = async () => {
    const text = await (await fetch(`${stack.url}/metrics`)).text();
    return Number(/^gateway_rate_limited_total (\d+)/m.exec(text)?.[1] ?? 'NaN');
  };

  it('refuses the request after the burst with StripeRateLimitError, per key, and recovers', async () => {
    const a = stack.stripe({ key: A });
    const before = await limitedRequests();
    for (let i = 0; i < 5; i++) await a.checkout.sessions.list({ limit: 1 });
    const error = await a.checkout.sessions.list({ limit: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(error).toMatchObject({ statusCode: 429, code: 'rate_limit' });
    // stripe-node does not retry a 429 (docs/stripe-checkout-contract.md §2.4): exactly one refusal was counted.
    expect((await limitedRequests()) - before).toBe(1);
    // Another key has its own bucket.
    await expect(stack.stripe({ key: B }).checkout.sessions.list({ limit: 1 })).resolves.toMatchObject({ object: 'list' });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await expect(a.checkout.sessions.list({ limit: 1 })).resolves.toMatchObject({ object: 'list' });
  });

  it('does not count requests without a valid key against anyone', async () => {
    for (let i = 0; i < 10; i++)
      expect((await fetch(`${stack.url}/v1/checkout/sessions`, { headers: { authorization: 'Bearer sk_test_nobody_0000000' } })).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await expect(stack.stripe({ key: B }).checkout.sessions.list({ limit: 1 })).resolves.toMatchObject({ object: 'list' });
  });
});
