import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver';
import { postLoopsEvent } from '../helpers/loops-webhooks';
import { TEST_KEYS, useStack } from '../helpers/stack';

const sign = (body: string, secret: string, t: number) => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

/** Incoming Loops signatures are checked on the raw bytes; outgoing ones verify in stripe-node. */
describe('webhook signatures', () => {
  let receiverOld: MerchantReceiver;
  let stripe: Stripe;

  beforeAll(async () => {
    // The merchant still verifies with the old secret while the gateway signs with both.
    receiverOld = await startMerchantReceiver(TEST_KEYS.stripeWebhookOld);
  });
  const stack = useStack(() => ({
    env: { WEBHOOK_ENDPOINTS: receiverOld.url, STRIPE_WEBHOOK_SECRET: `${TEST_KEYS.stripeWebhook},${TEST_KEYS.stripeWebhookOld}` },
  }));
  beforeAll(async () => {
    stripe = stack.stripe();
    // Loops sends nothing by itself here: the tests play Loops.
    await stack.loops.admin('PUT', '/_emulator/webhooks', { targets: [] });
  });
  afterAll(async () => {
    await receiverOld.close();
  });

  const now = () => Math.floor(Date.now() / 1000);
  const post = (body: string, header?: string) =>
    fetch(`${stack.url}/webhooks/loops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(header ? { 'x-loops-signature': header } : {}) },
      body,
    });
  const completedEvent = async (id: string) => {
    const session = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }] });
    const loops = await stack.loops.api('GET', `/api/v3/checkout/sessions/${session.id}`);
    return {
      session,
      body: JSON.stringify({
        id,
        object: 'event',
        type: 'checkout.session.completed',
        created: now(),
        data: { object: { ...loops.json, payment_status: 'paid' } },
      }),
    };
  };

  it('accepts a good signature, and any of several v1 values (Loops rotating its secret)', async () => {
    const { session, body } = await completedEvent('evt_loops_good');
    const t = now();
    const response = await post(body, `t=${t},v1=${sign(body, 'loops_old_secret', t)},v1=${sign(body, TEST_KEYS.loopsWebhook, t)}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: 'processed' });
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('complete');
  });

  it.each([
    ['a missing header', () => undefined, /missing signature header/],
    ['a wrong secret', (body: string, t: number) => `t=${t},v1=${sign(body, 'not_the_secret', t)}`, /no signature matches/],
    ['a stale timestamp', (body: string, t: number) => `t=${t - 310},v1=${sign(body, TEST_KEYS.loopsWebhook, t - 310)}`, /tolerance/],
    ['a timestamp far in the future', (body: string, t: number) => `t=${t + 310},v1=${sign(body, TEST_KEYS.loopsWebhook, t + 310)}`, /tolerance/],
    ['no v1', (_body: string, t: number) => `t=${t}`, /no v1 signature/],
    ['garbage', () => 'nonsense', /no timestamp/],
  ])('refuses %s with a 400 and changes nothing', async (_name, header, reason) => {
    const { session, body } = await completedEvent(`evt_loops_bad_${Math.random()}`);
    const response = await post(body, header(body, now()));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(reason);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
  });

  it('refuses a tampered body whose signature was for other bytes', async () => {
    const { session, body } = await completedEvent('evt_loops_tampered');
    const t = now();
    const header = `t=${t},v1=${sign(body, TEST_KEYS.loopsWebhook, t)}`;
    const response = await post(body.replace('"paid"', '"paid" '), header);
    expect(response.status).toBe(400);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
  });

  it('treats a repeated Loops event id as already done', async () => {
    const { body } = await completedEvent('evt_loops_repeat');
    const t = now();
    const header = `t=${t},v1=${sign(body, TEST_KEYS.loopsWebhook, t)}`;
    expect(await (await post(body, header)).json()).toEqual({ received: true, outcome: 'processed' });
    expect(await (await post(body, header)).json()).toEqual({ received: true, outcome: 'duplicate' });
  });

  it('stores and acknowledges Loops event types it does not know', async () => {
    const body = JSON.stringify({ id: 'evt_loops_unknown', object: 'event', type: 'payout.paid', created: now(), data: { object: { id: 'po_1' } } });
    const t = now();
    expect(await (await post(body, `t=${t},v1=${sign(body, TEST_KEYS.loopsWebhook, t)}`)).json()).toEqual({ received: true, outcome: 'ignored' });
    // Kept for an operator to look at, raw event included.
    expect(await stack.container.stores.events.loopsEvent('default', 'evt_loops_unknown')).toMatchObject({
      outcome: 'unknown_type',
      type: 'payout.paid',
      event: { id: 'evt_loops_unknown', data: { object: { id: 'po_1' } } },
    });
  });

  it('keeps a known Loops event type with an unexpected shape, refuses it so Loops sends it again, and looks at a resend afresh', async () => {
    const body = JSON.stringify({
      id: 'evt_loops_bad_shape',
      object: 'event',
      type: 'charge.refunded',
      created: now(),
      data: { object: { id: 'ch_bad_shape', amount: 'lots' } },
    });
    const t = now();
    const header = `t=${t},v1=${sign(body, TEST_KEYS.loopsWebhook, t)}`;
    const response = await post(body, header);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/unexpected shape/);
    // Kept 30 days for an operator, like unknown types, with what was wrong.
    expect(await stack.container.stores.events.loopsEvent('default', 'evt_loops_bad_shape')).toMatchObject({
      outcome: 'invalid_shape',
      type: 'charge.refunded',
      event: { id: 'evt_loops_bad_shape', data: { object: { id: 'ch_bad_shape', amount: 'lots' } } },
      problem: expect.stringMatching(/amount/),
    });
    // Loops' resend is not taken for a duplicate: it is read again (and, unchanged, refused again).
    expect((await post(body, header)).status).toBe(400);
  });

  it('signs outbound events with every active whsec_ secret, so a merchant still on the old one verifies', async () => {
    const session = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }] });
    await stripe.checkout.sessions.expire(session.id);
    await receiverOld.waitFor((events) => events.some((e) => (e.data.object as { id?: string }).id === session.id));
    const delivery = receiverOld.received.find((r) => r.verified && (r.event?.data.object as { id?: string }).id === session.id);
    expect(delivery?.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    // Each v1 is one secret's: a merchant on either secret verifies the same delivery.
    const [t, v1New, v1Old] = (delivery?.signature ?? '').split(',');
    const raw = delivery?.raw ?? Buffer.alloc(0);
    const verifier = new Stripe('sk_test_unused_for_verification');
    expect(verifier.webhooks.constructEvent(raw, `${t},${v1New}`, TEST_KEYS.stripeWebhook).id).toBe(delivery?.event?.id);
    expect(verifier.webhooks.constructEvent(raw, `${t},${v1Old}`, TEST_KEYS.stripeWebhookOld).id).toBe(delivery?.event?.id);
    expect(() => verifier.webhooks.constructEvent(raw, `${t},${v1Old}`, TEST_KEYS.stripeWebhook)).toThrow(/No signatures found matching/);
  });
});

describe('Loops signatures with a configured header name and tolerance', () => {
  const stack = useStack({ env: { LOOPS_WEBHOOK_SIGNATURE_HEADER: 'X-Custom-Sig', LOOPS_WEBHOOK_TOLERANCE_SECONDS: '30' } });
  beforeAll(async () => {
    await stack.loops.admin('PUT', '/_emulator/webhooks', { targets: [] });
  });

  // An event type the gateway does not act on: accepted means the signature passed.
  const event = (id: string) => ({ id, type: 'payout.paid', data: { object: { id: 'po_1' } } });
  const now = () => Math.floor(Date.now() / 1000);

  it('reads the signature from the configured header, and only from it', async () => {
    expect(await postLoopsEvent(stack.url, event('evt_custom_header'), { header: 'x-custom-sig' })).toEqual({
      status: 200,
      json: { received: true, outcome: 'ignored' },
    });
    const defaultHeader = await postLoopsEvent(stack.url, event('evt_default_header'), { header: 'x-loops-signature' });
    expect(defaultHeader.status).toBe(400);
    expect(defaultHeader.json.error?.message).toMatch(/missing signature header/);
  });

  it('refuses timestamps outside the configured tolerance, either way, and accepts those inside', async () => {
    for (const [offset, status] of [
      [-40, 400],
      [40, 400],
      [-20, 200],
      [20, 200],
    ] as const) {
      const answer = await postLoopsEvent(stack.url, event(`evt_tolerance_${offset}`), { header: 'x-custom-sig', t: now() + offset });
      expect([offset, answer.status]).toEqual([offset, status]);
      if (status === 400) expect(answer.json.error?.message).toMatch(/tolerance/);
    }
  });
});
