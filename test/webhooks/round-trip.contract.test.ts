import Stripe from 'stripe';
import { startLoopsWebhookCapture } from '../helpers/loops-webhook-capture';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver';
import { waitFor } from '../helpers/wait-for';
import { TEST_KEYS, useStack } from '../helpers/stack';

/**
 * Loops → gateway → the merchant's unchanged Stripe webhook handler, for every outcome the
 * emulator can produce. The handler verifies each delivery with stripe.webhooks.constructEvent.
 */
describe('webhook round trip (stripe-node as the merchant)', () => {
  let receiver: MerchantReceiver;
  let stripe: Stripe;

  beforeAll(async () => {
    receiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
  });
  const stack = useStack(() => ({
    env: { WEBHOOK_ENDPOINTS: receiver.url, STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook },
    emulator: { webhookRetryDelaysMs: [100, 200, 400] },
  }));
  beforeAll(() => {
    stripe = stack.stripe();
  });
  afterAll(async () => {
    await receiver.close();
  });

  let orders = 0;
  /** Each session has its own order id, so its charge events (which carry the session's metadata) can be told apart. */
  const createSession = () => {
    orders += 1;
    return stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        { price: 'price_tshirt', quantity: 2 },
        { price: 'price_mug', quantity: 1 },
      ],
      metadata: { order_id: `ord_${orders}` },
      client_reference_id: 'user_7',
      customer_email: 'buyer@example.com',
    });
  };
  const eventsFor = (sessionId: string, type: string) =>
    receiver.accepted().filter((e) => e.type === type && (e.data.object as { id?: string }).id === sessionId);
  const chargeEventsFor = (session: Stripe.Checkout.Session, type: string) =>
    receiver.accepted().filter((e) => e.type === type && (e.data.object as Stripe.Charge).metadata.order_id === session.metadata?.order_id);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

  /** The one checkout.session.completed of a paid session, with the merchant's session in it. */
  const expectOneCompleted = (session: Stripe.Checkout.Session) => {
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
      metadata: session.metadata ?? {},
      client_reference_id: 'user_7',
      amount_total: 5250,
      currency: 'usd',
      customer_details: { email: 'buyer@example.com' },
    });
    expect(object.line_items?.data.map((item) => item.price?.id)).toEqual(['price_tshirt', 'price_mug']);
    return event;
  };

  it('Pay → exactly one checkout.session.completed with the merchant’s session, though Loops sends two events', async () => {
    const session = await createSession();
    expect((await stack.loops.admin('POST', `/_emulator/sessions/${session.id}/complete`)).status).toBe(200);
    await receiver.waitFor(
      () => eventsFor(session.id, 'checkout.session.completed').length === 1 && chargeEventsFor(session, 'charge.succeeded').length === 1,
    );
    await settle();
    const event = expectOneCompleted(session);
    // Loops' charge.succeeded becomes Stripe's, once, with the merchant's metadata.
    const charges = chargeEventsFor(session, 'charge.succeeded');
    expect(charges).toHaveLength(1);
    expect(charges[0]?.data.object).toMatchObject({
      object: 'charge',
      amount: 5250,
      currency: 'usd',
      paid: true,
      refunded: false,
      metadata: { order_id: session.metadata?.order_id },
    });
    // retrieve agrees with the event; the events API has it.
    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect((await stripe.events.retrieve(event.id)).id).toBe(event.id);
  });

  it('Pay, with Loops’ charge.succeeded arriving before its checkout.session.completed → still one checkout.session.completed', async () => {
    const capture = await startLoopsWebhookCapture();
    try {
      // Loops' webhooks are held back, then handed to the gateway in the other order.
      await stack.loops.admin('PUT', '/_emulator/webhooks', { targets: [{ url: capture.url, secret: TEST_KEYS.loopsWebhook }] });
      const session = await createSession();
      await stack.loops.admin('POST', `/_emulator/sessions/${session.id}/complete`);
      await waitFor(() => capture.captured.length >= 2, 10_000, 'both Loops webhooks');
      const charge = capture.captured.find((w) => w.type === 'charge.succeeded');
      const completed = capture.captured.find((w) => w.type === 'checkout.session.completed');
      if (!charge || !completed) throw new Error(`captured ${capture.captured.map((w) => w.type).join(', ')}`);
      expect(await capture.forward(charge, stack.url)).toEqual({ status: 200, json: { received: true, outcome: 'processed' } });
      expect(await capture.forward(completed, stack.url)).toEqual({ status: 200, json: { received: true, outcome: 'processed' } });
      await receiver.waitFor(
        () => eventsFor(session.id, 'checkout.session.completed').length === 1 && chargeEventsFor(session, 'charge.succeeded').length === 1,
      );
      await settle();
      expectOneCompleted(session);
      expect(chargeEventsFor(session, 'charge.succeeded')).toHaveLength(1);
      expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: 'complete', payment_status: 'paid' });
    } finally {
      await stack.loops.admin('PUT', '/_emulator/webhooks', { targets: [{ url: `${stack.url}/webhooks/loops`, secret: TEST_KEYS.loopsWebhook }] });
      await capture.close();
    }
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
    await settle();
    expect(eventsFor(session.id, 'checkout.session.expired')).toHaveLength(1);
    expect(eventsFor(session.id, 'checkout.session.completed')).toHaveLength(0);
    expect(eventsFor(session.id, 'checkout.session.expired')[0]?.data.object).toMatchObject({
      id: session.id,
      status: 'expired',
      metadata: session.metadata ?? {},
    });
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

  it('refunds → one charge.refunded each: partial with the refunded amount, then full with refunded: true', async () => {
    const session = await createSession();
    await stack.loops.admin('POST', `/_emulator/sessions/${session.id}/complete`);
    await receiver.waitFor(() => eventsFor(session.id, 'checkout.session.completed').length === 1);
    const refunds = () => chargeEventsFor(session, 'charge.refunded');

    expect((await stack.loops.admin('POST', `/_emulator/sessions/${session.id}/refund`, { amount: 2000 })).status).toBe(200);
    await receiver.waitFor(() => refunds().length === 1);
    await settle();
    expect(refunds()).toHaveLength(1);
    expect(refunds()[0]?.data.object).toMatchObject({ object: 'charge', amount: 5250, amount_refunded: 2000, refunded: false });

    // The rest: the charge is now refunded in full.
    expect((await stack.loops.admin('POST', `/_emulator/sessions/${session.id}/refund`, {})).status).toBe(200);
    await receiver.waitFor(() => refunds().length === 2);
    await settle();
    expect(refunds()).toHaveLength(2);
    expect(refunds()[1]?.data.object).toMatchObject({ object: 'charge', amount: 5250, amount_refunded: 5250, refunded: true });
    expect(new Set(refunds().map((e) => e.id)).size).toBe(2);
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
