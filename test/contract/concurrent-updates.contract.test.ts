import type Stripe from 'stripe';
import { useStack } from '../helpers/stack';

/**
 * Issue 10, defect 6: 150 parallel metadata updates of one session gave 15 × 500 and left Loops'
 * metadata different from the gateway's on 34 of 40 keys. Updates of one session now take turns
 * (services/checkout-sessions/session-update-lock.ts): every one answers 200, and afterwards both
 * copies hold, for each key, the value of the last update that wrote it.
 */
describe('parallel metadata updates of one session (stripe-node)', () => {
  const stack = useStack();

  it('answers all 150 with 200 and leaves Loops and the gateway with the same metadata', async () => {
    // No SDK retries: a 500 or a 429 must show, not be retried away.
    const stripe = stack.stripe({ maxNetworkRetries: 0, timeout: 60_000 });
    const session = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_tshirt', quantity: 1 }] });
    const results = await Promise.allSettled(
      Array.from({ length: 150 }, (_, i) => stripe.checkout.sessions.update(session.id, { metadata: { [`k_${i % 40}`]: `v_${i}` } })),
    );
    const failures = results.flatMap((result, i) =>
      result.status === 'rejected' ? [`#${i}: ${(result.reason as Stripe.errors.StripeError).statusCode} ${(result.reason as Error).message}`] : [],
    );
    expect(failures).toEqual([]);

    const gateway = (await stripe.checkout.sessions.retrieve(session.id)).metadata ?? {};
    const loops = (await stack.loops.api('GET', `/api/v2/checkout/sessions/${session.id}`)).json.metadata as Record<string, string>;
    expect(loops).toEqual(gateway);
    expect(Object.keys(gateway).sort()).toEqual(Array.from({ length: 40 }, (_, k) => `k_${k}`).sort());
    // Every value is one that was written to its key.
    for (const [key, value] of Object.entries(gateway)) expect(Number(value.slice(2)) % 40).toBe(Number(key.slice(2)));
    // The last answer to land saw every key: each update's answer is the whole metadata after it.
    const answers = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    expect(answers.some((answer) => Object.keys(answer.metadata ?? {}).length === 40)).toBe(true);
  }, 90_000);
});
