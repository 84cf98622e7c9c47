import Stripe from 'stripe';
import { useStack } from '../helpers/stack';

/**
 * Sessions Loops ends while its webhook is lost or late (docs/webhooks.md, "Sessions nobody
 * reports"): Loops' webhooks to the gateway are switched off, and the session is expired, failed or
 * completed through the emulator's admin API. V3 objects carry no `status` (docs/loops-contract.md §3.2), so
 * only the V2 status read beside them shows an early end. Whatever the merchant calls first, the
 * session then shows its true state and its one Stripe event exists.
 */
describe('sessions Loops ended without telling the gateway (stripe-node)', () => {
  let stripe: Stripe;

  // Before useStack: after-hooks run in the order declared, so this runs while the stack is up.
  afterAll(async () => {
    // Nothing reached the gateway from Loops: every settlement below was the gateway's own finding.
    expect((await stack.loops.admin('GET', '/_emulator/webhooks/deliveries')).json.deliveries).toEqual([]);
  });
  const stack = useStack();
  beforeAll(async () => {
    stripe = stack.stripe();
    expect((await stack.loops.admin('PUT', '/_emulator/webhooks', { targets: [] })).json).toEqual({ targets: [] });
  });
  afterEach(() => stack.loops.admin('DELETE', '/_emulator/faults'));

  const createSession = () =>
    stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: 'price_tshirt', quantity: 1 }],
      customer_email: 'payer@example.com',
      metadata: { order: '42' },
    });

  /** Ends the session in Loops (admin API, same effects as the hosted page, webhooks off). */
  const endInLoops = async (id: string, how: 'expire' | 'fail' | 'complete') => {
    expect((await stack.loops.admin('POST', `/_emulator/sessions/${id}/${how}`)).status).toBe(200);
  };

  /** The session events recorded about one session, as GET /v1/events lists them. */
  const sessionEvents = async (id: string) =>
    (await stripe.events.list({ type: 'checkout.session.*', limit: 100 }).autoPagingToArray({ limit: 1000 })).filter(
      (event) => (event.data.object as { id?: string }).id === id,
    );

  /** The gateway's own refusal for a session that is not open, never Loops' wording. */
  const refusedAsNotOpen = async (call: Promise<unknown>, status: string) => {
    const error: unknown = await call.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({
      statusCode: 400,
      type: 'StripeInvalidRequestError',
      message: `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${status}".`,
    });
  };

  /** The next V2 read of the session fails once, so the gateway sees only V3 (which looks open). */
  const hideV2StatusOnce = async (id: string) => {
    const fault = { method: 'GET', path: `/api/v2/checkout/sessions/${id}`, mode: 'error', status: 400, times: 1 };
    expect((await stack.loops.admin('POST', '/_emulator/faults', fault)).status).toBeLessThan(300);
  };

  it('retrieve shows a session Loops expired early as expired, with no url and one checkout.session.expired', async () => {
    const created = await createSession();
    await endInLoops(created.id, 'expire');
    // V3, which the gateway made the session with, still looks open: no status, unpaid, expires_at ahead.
    const v3 = await stack.loops.api('GET', `/api/v3/checkout/sessions/${created.id}`);
    expect(v3.json).toMatchObject({ payment_status: 'unpaid' });
    expect(v3.json).not.toHaveProperty('status');

    const retrieved = await stripe.checkout.sessions.retrieve(created.id);
    expect(retrieved).toMatchObject({ status: 'expired', payment_status: 'unpaid', url: null, metadata: { order: '42' } });
    const events = await sessionEvents(created.id);
    expect(events.map((event) => event.type)).toEqual(['checkout.session.expired']);
    // Loops ended it, not a merchant request: an automatic event.
    expect(events[0]?.request).toEqual({ id: null, idempotency_key: null });
    expect(events[0]?.data.object).toMatchObject({ id: created.id, status: 'expired', url: null });

    await refusedAsNotOpen(stripe.checkout.sessions.expire(created.id), 'expired');
    expect((await stripe.checkout.sessions.retrieve(created.id)).status).toBe('expired');
    expect((await sessionEvents(created.id)).map((event) => event.type)).toEqual(['checkout.session.expired']);
  });

  it('expire of a session Loops failed answers with the gateway’s refusal, and records it expired with one event', async () => {
    const created = await createSession();
    await endInLoops(created.id, 'fail');
    // The first call is the expire itself: it finds Loops' state and settles the session on the way.
    await refusedAsNotOpen(stripe.checkout.sessions.expire(created.id), 'expired');
    // docs/webhooks.md, "Translation": failed becomes expired (never payable again).
    expect(await stripe.checkout.sessions.retrieve(created.id)).toMatchObject({ status: 'expired', payment_status: 'unpaid', url: null });
    expect((await sessionEvents(created.id)).map((event) => event.type)).toEqual(['checkout.session.expired']);
  });

  it('retrieve shows a session Loops completed as complete and paid, with one checkout.session.completed', async () => {
    const created = await createSession();
    await endInLoops(created.id, 'complete');
    const retrieved = await stripe.checkout.sessions.retrieve(created.id);
    expect(retrieved).toMatchObject({ status: 'complete', payment_status: 'paid', url: null });
    expect(retrieved.customer_details?.email).toBe('payer@example.com');
    expect(retrieved.payment_intent).toMatch(/^pi_/);
    await refusedAsNotOpen(stripe.checkout.sessions.expire(created.id), 'complete');
    expect((await sessionEvents(created.id)).map((event) => event.type)).toEqual(['checkout.session.completed']);
  });

  it('updates metadata on a session Loops just completed: settled first, metadata changed locally only', async () => {
    const created = await createSession();
    await endInLoops(created.id, 'complete');
    const updated = await stripe.checkout.sessions.update(created.id, { metadata: { shipped: 'yes', order: '' } });
    expect(updated).toMatchObject({ id: created.id, status: 'complete', payment_status: 'paid', url: null, metadata: { shipped: 'yes' } });
    expect((await stripe.checkout.sessions.retrieve(created.id)).metadata).toEqual({ shipped: 'yes' });
    // Loops was not asked to change a session it has closed.
    const inLoops = (await stack.loops.api('GET', `/api/v2/checkout/sessions/${created.id}`)).json.metadata;
    expect(inLoops).toMatchObject({ order: '42' });
    expect(inLoops).not.toHaveProperty('shipped');
    const events = await sessionEvents(created.id);
    expect(events.map((event) => event.type)).toEqual(['checkout.session.completed']);
    // The event is the session as it became final, before this update.
    expect(events[0]?.data.object).toMatchObject({ status: 'complete', metadata: { order: '42' } });
    // Later updates are local too, and announce nothing.
    expect((await stripe.checkout.sessions.update(created.id, { metadata: { more: '1' } })).metadata).toEqual({ shipped: 'yes', more: '1' });
    expect((await sessionEvents(created.id)).map((event) => event.type)).toEqual(['checkout.session.completed']);
  });

  it('when Loops refuses the expire of a session it ended, asks Loops again and answers with the gateway’s refusal', async () => {
    const created = await createSession();
    await endInLoops(created.id, 'expire');
    // The read before the expire sees V3 only, so the gateway still thinks it open and asks Loops
    // to expire it; Loops refuses in its own words, and the gateway looks again.
    await hideV2StatusOnce(created.id);
    await refusedAsNotOpen(stripe.checkout.sessions.expire(created.id), 'expired');
    // The fault fired: the gateway really went through Loops' refusal.
    expect((await stack.loops.admin('GET', '/_emulator/faults')).json.faults).toEqual([]);
    expect(await stripe.checkout.sessions.retrieve(created.id)).toMatchObject({ status: 'expired', url: null });
    expect((await sessionEvents(created.id)).map((event) => event.type)).toEqual(['checkout.session.expired']);
  });

  it('when Loops refuses the metadata update of a session it ended, settles it and applies the metadata locally', async () => {
    const created = await createSession();
    await endInLoops(created.id, 'fail');
    await hideV2StatusOnce(created.id);
    const updated = await stripe.checkout.sessions.update(created.id, { metadata: { note: 'after the failure' } });
    // The fault fired: the gateway really went through Loops' refusal.
    expect((await stack.loops.admin('GET', '/_emulator/faults')).json.faults).toEqual([]);
    expect(updated).toMatchObject({ status: 'expired', payment_status: 'unpaid', url: null, metadata: { order: '42', note: 'after the failure' } });
    const inLoops = (await stack.loops.api('GET', `/api/v2/checkout/sessions/${created.id}`)).json;
    expect(inLoops).toMatchObject({ status: 'FAILED', metadata: { order: '42' } });
    expect(inLoops.metadata).not.toHaveProperty('note');
    expect((await sessionEvents(created.id)).map((event) => event.type)).toEqual(['checkout.session.expired']);
  });

  it('leaves an open session open, and still tells Loops about its metadata', async () => {
    const created = await createSession();
    const updated = await stripe.checkout.sessions.update(created.id, { metadata: { gift: 'yes' } });
    expect(updated).toMatchObject({ status: 'open', url: expect.stringContaining(created.id) });
    expect((await stack.loops.api('GET', `/api/v2/checkout/sessions/${created.id}`)).json.metadata).toMatchObject({ order: '42', gift: 'yes' });
    expect(await sessionEvents(created.id)).toEqual([]);
  });
});
