import Redis from 'ioredis';
import Stripe from 'stripe';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver';
import { postLoopsEvent } from '../helpers/loops-webhooks';
import { TEST_KEYS, useStack } from '../helpers/stack';

/**
 * A session's final state and its one Stripe event are written together (docs/webhooks.md,
 * "Incoming"): a store failure between them cannot lose the event, and a Loops event arriving
 * after the session is final, however late, cannot make a second one.
 */
describe('a session’s final state and its Stripe event', () => {
  let receiver: MerchantReceiver;
  let stripe: Stripe;
  let inspect: Redis;
  let offsetMs = 0;

  beforeAll(async () => {
    receiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
  });
  const stack = useStack(() => ({
    // The periodic sweep stays out of the way: the tests run it themselves.
    env: { WEBHOOK_ENDPOINTS: receiver.url, STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook, EXPIRY_SWEEP_INTERVAL_MS: '3600000' },
    now: () => Date.now() + offsetMs,
  }));
  beforeAll(async () => {
    stripe = stack.stripe({ maxNetworkRetries: 0 });
    inspect = new Redis(process.env.REDIS_URL ?? '', { maxRetriesPerRequest: 1 });
    // The tests play Loops themselves (or Loops says nothing at all).
    await stack.loops.admin('PUT', '/_emulator/webhooks', { targets: [] });
  });
  afterAll(async () => {
    await receiver.close();
    await inspect.quit();
  });

  // A minute above Stripe's 30-minute minimum: exactly 1800 s is refused when the request reaches
  // the gateway in the next second.
  const createSession = (expiresInSeconds = 1860) =>
    stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: 'price_mug', quantity: 1 }],
      expires_at: Math.floor((Date.now() + offsetMs) / 1000) + expiresInSeconds,
    });
  const recorded = async (sessionId: string, type: string) =>
    (await stripe.events.list({ type, limit: 100 })).data.filter((e) => (e.data.object as { id?: string }).id === sessionId);
  /** Signed at the gateway's clock, which the tests move forward. */
  const playLoops = (event: Parameters<typeof postLoopsEvent>[1]) =>
    postLoopsEvent(stack.url, event, { t: Math.floor((Date.now() + offsetMs) / 1000) });
  const delivered = (sessionId: string, type: string) =>
    receiver.accepted().filter((e) => e.type === type && (e.data.object as { id?: string }).id === sessionId);

  /**
   * The next Lua script that writes one of this tenant's event records fails, as when Redis goes
   * away mid-request or the process dies: whatever that script would have written is not written.
   */
  function failNextEventWrite(): { injected: () => number; restore: () => void } {
    const redis = stack.container.redis;
    if (!redis) throw new Error('a Redis stack is needed');
    const eventKey = `${stack.env.REDIS_KEY_PREFIX}:{default}:event:`;
    const original = Reflect.get(redis, 'evalsha');
    let injected = 0;
    Reflect.set(redis, 'evalsha', async (...args: unknown[]) => {
      if (injected === 0 && args.some((arg) => typeof arg === 'string' && arg.startsWith(eventKey))) {
        injected += 1;
        throw new Error('injected: Redis went away while the event was written');
      }
      return Reflect.apply(original, redis, args);
    });
    return { injected: () => injected, restore: () => Reflect.set(redis, 'evalsha', original) };
  }

  it('a store failure while the sweep records checkout.session.expired loses nothing: a later sweep records it, once', async () => {
    const session = await createSession();
    // Two hours pass on both sides; Loops expired the session and never said so.
    offsetMs += 2 * 3600 * 1000;
    await stack.loops.admin('POST', '/_emulator/clock', { advanceSeconds: 2 * 3600 });
    const failure = failNextEventWrite();
    try {
      await stack.container.sweepExpired().catch(() => undefined);
    } finally {
      failure.restore();
    }
    expect(failure.injected()).toBe(1);
    // Later (past any backoff the sweep chose), the sweep looks again.
    offsetMs += 2 * 3600 * 1000;
    await stack.container.sweepExpired();
    await stack.container.sweepExpired();
    expect((await stack.container.stores.sessions.get('default', session.id))?.session.status).toBe('expired');
    expect(await recorded(session.id, 'checkout.session.expired')).toHaveLength(1);
    await receiver.waitFor(() => delivered(session.id, 'checkout.session.expired').length === 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(delivered(session.id, 'checkout.session.expired')).toHaveLength(1);
  });

  it('a late Loops event about a paid session never makes a second checkout.session.completed, whatever time passed', async () => {
    const session = await createSession();
    await stack.loops.admin('POST', `/_emulator/sessions/${session.id}/complete`);
    const loops = (await stack.loops.api('GET', `/api/v3/checkout/sessions/${session.id}`)).json;
    const suffix = session.id.slice(-8);
    expect((await playLoops({ id: `evt_l_done_${suffix}`, type: 'checkout.session.completed', data: { object: loops } })).json).toEqual({
      received: true,
      outcome: 'processed',
    });
    expect(await recorded(session.id, 'checkout.session.completed')).toHaveLength(1);

    // Thirty days pass: every time-limited dedupe record of this tenant is gone.
    const stale = await inspect.keys(`${stack.env.REDIS_KEY_PREFIX}:*event-once*`);
    if (stale.length > 0) await inspect.del(...stale);

    // Loops then reports the session again: a charge naming it, and a late expiry.
    const charge = { id: `ch_${suffix}`, object: 'charge', amount: 1250, amount_refunded: 0, currency: 'usd', checkout_session: session.id };
    expect((await playLoops({ id: `evt_l_charge_${suffix}`, type: 'charge.succeeded', data: { object: charge } })).status).toBe(200);
    expect((await playLoops({ id: `evt_l_late_${suffix}`, type: 'checkout.session.expired', data: { object: loops } })).status).toBe(200);

    expect(await recorded(session.id, 'checkout.session.completed')).toHaveLength(1);
    expect(await recorded(session.id, 'checkout.session.expired')).toHaveLength(0);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('complete');
    await receiver.waitFor(() => delivered(session.id, 'checkout.session.completed').length === 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(delivered(session.id, 'checkout.session.completed')).toHaveLength(1);
  });
});
