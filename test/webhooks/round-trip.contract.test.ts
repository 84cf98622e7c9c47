import Stripe from 'stripe';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver';
import { startStack, TEST_KEYS, type Stack } from '../helpers/stack';

/**
 * Loops → gateway → the merchant's unchanged Stripe webhook handler, for every outcome the
 * emulator can produce. The handler verifies each delivery with stripe.webhooks.constructEvent.
 */
describe('webhook round trip (stripe-node as the merchant)', () => {
  let receiver: MerchantReceiver;
  let stack: Stack;
  let stripe: Stripe;

  beforeAll(async () => {
    receiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
    stack = await startStack({
      env: { WEBHOOK_ENDPOINTS: receiver.url, STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook },
      emulator: { webhookRetryDelaysMs: [100, 200, 400] },
    });
    stripe = stack.stripe();
  });
  afterAll(async () => {
    await stack.close();
    await receiver.close();
  });

  const createSession = () =>
    stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        { price: 'price_tshirt', quantity: 2 },
        { price: 'price_mug', quantity: 1 },
      ],
      metadata: { order_id: 'ord_42' },
      client_reference_id: 'user_7',
      customer_email: 'buyer@example.com',
    });
  const eventsFor = (sessionId: string, type: string) =>
    receiver.accepted().filter((e) => e.type === type && (e.data.object as { id?: string; metadata?: Record<string, string> }).id === sessionId);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

  it('Pay → exactly one checkout.session.completed with the merchant’s session, though Loops sends two events', async () => {
    const session = await createSession();
    expect((await stack.loops.admin('POST', `/_emulator/sessions/${session.id}/complete`)).status).toBe(200);
    await receiver.waitFor(() => eventsFor(session.id, 'checkout.session.completed').length === 1);
    await settle();
    const completed = eventsFor(session.id, 'checkout.session.completed');
    expect(completed).toHaveLength(1);
    const event = completed[0] as Stripe.Event;
    expect(event).toMatchObject({ object: 'event', api_version: '2026-10-28.endive', livemode: false, request: { id: null, idempotency_key: null } });
    expect(event.id).toMatch(/^evt_/);
    const object = event.data.object as Stripe.Checkout.Session;
    expect(object).toMatchObject({
      id: session.id,
      status: 'complete',
      payment_status: 'paid',
      metadata: { order_id: 'ord_42' },
      client_reference_id: 'user_7',
      amount_total: 5250,
      currency: 'usd',
      customer_details: { email: 'buyer@example.com' },
    });
    expect(object.line_items?.data.map((item) => item.price?.id)).toEqual(['price_tshirt', 'price_mug']);
    // Loops' charge.succeeded becomes Stripe's, with the merchant's metadata.
    const charges = receiver
      .accepted()
      .filter((e) => e.type === 'charge.succeeded' && (e.data.object as Stripe.Charge).metadata.order_id === 'ord_42');
    expect(charges.length).toBeGreaterThanOrEqual(1);
    expect(charges[0]?.data.object).toMatchObject({ object: 'charge', amount: 5250, currency: 'usd', paid: true, refunded: false });
    // retrieve agrees with the event; the events API has it.
    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect((await stripe.events.retrieve(event.id)).id).toBe(event.id);
  });

  it('Fail → one checkout.session.expired (a failed Loops session can never be paid)', async () => {
    const session = await createSession();
    await stack.loops.admin('POST', `/_emulator/sessions/${session.id}/fail`);
    await receiver.waitFor(() => eventsFor(session.id, 'checkout.session.expired').length === 1);
    await settle();
    expect(eventsFor(session.id, 'checkout.session.expired')).toHaveLength(1);
    expect(eventsFor(session.id, 'checkout.session.completed')).toHaveLength(0);
    expect(eventsFor(session.id, 'checkout.session.expired')[0]?.data.object).toMatchObject({
      status: 'expired',
      payment_status: 'unpaid',
      url: null,
    });
  });

  it('Loops expiry → one checkout.session.expired', async () => {
    const session = await createSession();
    await stack.loops.admin('POST', `/_emulator/sessions/${session.id}/expire`);
    await receiver.waitFor(() => eventsFor(session.id, 'checkout.session.expired').length === 1);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('expired');
  });

  it('expire through the API → one checkout.session.expired carrying the request that caused it', async () => {
    const session = await createSession();
    const expired = await stripe.checkout.sessions.expire(session.id, {}, { idempotencyKey: 'expire-it' });
    const [event] = await receiver
      .waitFor(() => eventsFor(session.id, 'checkout.session.expired').length === 1)
      .then(() => eventsFor(session.id, 'checkout.session.expired'));
    expect(event?.request).toEqual({ id: expired.lastResponse.requestId, idempotency_key: 'expire-it' });
    await settle();
    // Loops' own expired webhook for the same session adds nothing.
    expect(eventsFor(session.id, 'checkout.session.expired')).toHaveLength(1);
  });

  it('refund → charge.refunded with the refunded amount', async () => {
    const session = await createSession();
    await stack.loops.admin('POST', `/_emulator/sessions/${session.id}/complete`);
    await receiver.waitFor(() => eventsFor(session.id, 'checkout.session.completed').length === 1);
    await stack.loops.admin('POST', `/_emulator/sessions/${session.id}/refund`, { amount: 2000 });
    const refunds = () =>
      receiver.accepted().filter((e) => e.type === 'charge.refunded' && (e.data.object as Stripe.Charge).metadata.order_id === 'ord_42');
    const before = refunds().length;
    await receiver.waitFor(() => refunds().length === before + 1);
    expect(refunds().at(-1)?.data.object).toMatchObject({ object: 'charge', amount: 5250, amount_refunded: 2000, refunded: false });
  });

  it('lists events with type wildcards, types[] and created, newest first', async () => {
    const all = await stripe.events.list({ limit: 100 });
    expect(all.data.length).toBeGreaterThan(3);
    expect(all.data.every((e, i, list) => i === 0 || (list[i - 1] as Stripe.Event).created >= e.created)).toBe(true);
    const sessions = await stripe.events.list({ type: 'checkout.session.*', limit: 100 });
    expect(new Set(sessions.data.map((e) => e.type))).toEqual(new Set(['checkout.session.completed', 'checkout.session.expired']));
    const charges = await stripe.events.list({ types: ['charge.refunded', 'charge.succeeded'], limit: 100 });
    expect(charges.data.every((e) => e.type.startsWith('charge.'))).toBe(true);
    expect(charges.data.length).toBeGreaterThan(0);
    const paged = await stripe.events.list({ limit: 2 }).autoPagingToArray({ limit: 1000 });
    expect(paged.map((e) => e.id)).toEqual(all.data.map((e) => e.id));
    await expect(stripe.events.retrieve('evt_missing')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    expect((await stripe.events.list({ created: { lt: 1000 } })).data).toEqual([]);
  });
});
