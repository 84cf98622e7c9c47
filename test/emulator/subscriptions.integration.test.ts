import { expectError, MONTHLY_PRODUCT, startHarness, USD_PRODUCT, type Harness } from './support/harness';
import { addMonths, advance, DAY, secondsUntil, subscribe, YEARLY_PRODUCT } from './support/subscribe';
import { signatureIsValid, startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from './support/webhook-receiver';

const SECRET = 'whsec_subscriptions_test';

describe('subscriptions (docs/loops-contract.md §8.1, §8.2, §8.4, §8.5)', () => {
  let h: Harness;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    h = await startHarness({ webhooks: [{ url: receiver.url, secret: SECRET }], webhookRetryDelaysMs: [50, 100, 200] });
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });
  beforeEach(async () => {
    await h.admin('POST', '/_emulator/reset');
    receiver.received.length = 0;
    await Promise.all([USD_PRODUCT, MONTHLY_PRODUCT, YEARLY_PRODUCT].map((p) => h.seedProduct(p)));
  });

  /** Webhooks about one object (a subscription's: its own and its charges'), in the order received. */
  const hooksFor = (id: string): ReceivedWebhook[] =>
    receiver.received.filter(({ event }) => event.data.object.id === id || (event.data.object.object === 'charge' && event.data.object.subscription === id));
  const subscriptionEvents = (id: string) => hooksFor(id).filter(({ event }) => event.data.object.object === 'subscription').map(({ event }) => event.type);
  const typesFor = (id: string) => hooksFor(id).map((hook) => hook.event.type);
  const get = async (id: string) => (await h.api('GET', `/api/v3/subscriptions/${id}`)).body;
  const charges = async (id: string) => (await h.admin('GET', `/_emulator/subscriptions/${id}`)).body.charges;
  /** Advances to `unixSeconds` (+ extra), returning the advance answer. */
  const advanceTo = async (unixSeconds: number, extra = 0) => advance(h, await secondsUntil(h, unixSeconds, extra));
  /** Waits for the first delivery attempts of every event sent so far (API calls do not wait for them). */
  const settle = () => h.admin('POST', '/_emulator/webhooks/flush');

  describe('created by a subscription-mode checkout', () => {
    it('a paid checkout creates it active, charged for the first period, with the §8.1 fields exactly', async () => {
      const { session, subscription } = await subscribe(h, { subscription_data: { metadata: { plan: 'pro' } }, metadata: { order: '7' } }, { email: 'typed@example.com', name: 'Ada' });
      expect(session).toMatchObject({ payment_status: 'paid', amount_total: 1500, subscription: subscription.id, customer_details: { email: 'typed@example.com', name: 'Ada' } });
      const created = subscription.created;
      expect(subscription).toEqual({
        id: expect.stringMatching(/^sub_/),
        object: 'subscription',
        status: 'active',
        externalCustomerId: 'cust_42',
        customer_email: 'typed@example.com',
        productId: MONTHLY_PRODUCT.id,
        price: 'price_pro_monthly',
        quantity: 1,
        amount: 1500,
        currency: 'usd',
        interval: 'month',
        current_period_start: created,
        current_period_end: addMonths(created, 1),
        trial_start: null,
        trial_end: null,
        cancel_at_period_end: false,
        canceled_at: null,
        ended_at: null,
        checkout_session: session.id,
        latest_charge: expect.stringMatching(/^ch_/),
        metadata: { plan: 'pro' },
        created: expect.any(Number),
        livemode: false,
      });
      await settle();
      const hooks = await receiver.waitFor((hook) => hook.event.type === 'subscription.created');
      expect(hooks[0]!.event.data.object).toEqual(subscription);
      const all = receiver.received.filter((hook) => [session.id, subscription.id].includes(hook.event.data.object.id) || hook.event.data.object.checkout_session === session.id);
      expect(all.map((hook) => hook.event.type).sort()).toEqual(['charge.succeeded', 'checkout.session.completed', 'subscription.created']);
      const charge = all.find((hook) => hook.event.type === 'charge.succeeded')!.event.data.object;
      expect(charge).toMatchObject({ id: subscription.latest_charge, amount: 1500, checkout_session: session.id, subscription: subscription.id, status: 'succeeded' });
      for (const hook of all) expect(signatureIsValid(SECRET, hook.headers['x-loops-signature'] as string, hook.raw)).toBe(true);
    });

    it('a yearly plan renews a year later; quantity multiplies the amount', async () => {
      const { subscription } = await subscribe(h, { line_items: [{ price: 'price_pro_yearly', quantity: 2 }] });
      expect(subscription).toMatchObject({ interval: 'year', quantity: 2, amount: 30000, current_period_end: addMonths(subscription.created, 12) });
    });

    it('a subscription session takes exactly one line item of a recurring product', async () => {
      const body = { mode: 'subscription', line_items: [{ price: 'price_pro_monthly', quantity: 1 }, { price: 'price_pro_monthly', quantity: 2 }] };
      expectError(await h.api('POST', '/api/v3/checkout/sessions', body), 400, 'subscription_one_item');
      expectError(await h.api('POST', '/api/v3/checkout/sessions', { mode: 'subscription', productId: USD_PRODUCT.id }), 400, 'one_time_in_subscription_mode');
    });

    it('a payment-mode session creates none', async () => {
      const s = (await h.api('POST', '/api/v3/checkout/sessions', { productId: USD_PRODUCT.id })).body;
      const done = (await h.admin('POST', `/_emulator/sessions/${s.id}/complete`)).body;
      expect(done).toMatchObject({ subscription: null, payment_status: 'paid', customer_details: { email: null, name: null } });
      expect((await h.api('GET', '/api/v3/subscriptions')).body.data).toEqual([]);
    });

    it('admin complete validates what the customer would type', async () => {
      const s = (await h.api('POST', '/api/v3/checkout/sessions', { productId: USD_PRODUCT.id })).body;
      expectError(await h.admin('POST', `/_emulator/sessions/${s.id}/complete`, { email: 'nope' }), 400, 'validation_error');
      expectError(await h.admin('POST', `/_emulator/sessions/${s.id}/complete`, { phone: '1' }), 400, 'validation_error');
      expect((await h.api('GET', `/api/v2/checkout/sessions/${s.id}`)).body.status).toBe('PENDING');
    });
  });

  describe('trials (§8.3)', () => {
    it('trial_period_days: nothing charged at checkout, trialing for the trial, the trial end is the first charge', async () => {
      const { session, subscription } = await subscribe(h, { subscription_data: { trial_period_days: 7 } });
      expect(session).toMatchObject({ payment_status: 'no_payment_required', amount_total: 1500, payment_intent: null });
      const start = subscription.created;
      expect(subscription).toMatchObject({
        status: 'trialing',
        trial_start: start,
        trial_end: start + 7 * DAY,
        current_period_start: start,
        current_period_end: start + 7 * DAY,
        latest_charge: null,
        metadata: {},
      });
      await settle();
      expect(typesFor(session.id).sort()).toEqual(['checkout.session.completed']);
      expect(typesFor(subscription.id)).toEqual(['subscription.created']);
      expect(receiver.received.filter(({ event }) => event.type.startsWith('charge.'))).toEqual([]);
      expect(await charges(subscription.id)).toEqual([]);

      const run = await advanceTo(subscription.trial_end);
      expect(run.events.map((e) => [e.type, e.created])).toEqual([
        ['charge.succeeded', subscription.trial_end],
        ['subscription.updated', subscription.trial_end],
      ]);
      const after = await get(subscription.id);
      expect(after).toMatchObject({
        status: 'active',
        trial_start: start,
        trial_end: start + 7 * DAY,
        current_period_start: subscription.trial_end,
        current_period_end: addMonths(subscription.trial_end, 1),
      });
      const [charge] = await charges(subscription.id);
      expect(charge).toMatchObject({ id: after.latest_charge, amount: 1500, checkout_session: null, subscription: subscription.id, status: 'succeeded' });
    });

    it('trial_end: a fixed end at least 2 days ahead; metadata comes from subscription_data', async () => {
      const { now } = (await h.admin('GET', '/_emulator/clock')).body;
      const trialEnd = now + 3 * DAY + 17;
      const { subscription } = await subscribe(h, { subscription_data: { trial_end: trialEnd, metadata: { source: 'ads' } } });
      expect(subscription).toMatchObject({ status: 'trialing', trial_end: trialEnd, current_period_end: trialEnd, metadata: { source: 'ads' } });
    });

    it('validates subscription_data and changes nothing on a 400', async () => {
      const { now } = (await h.admin('GET', '/_emulator/clock')).body;
      const create = (body: Record<string, unknown>) =>
        h.api('POST', '/api/v3/checkout/sessions', { mode: 'subscription', line_items: [{ price: 'price_pro_monthly', quantity: 1 }], ...body });
      const bad: Array<Record<string, unknown>> = [
        { subscription_data: { trial_period_days: 0 } },
        { subscription_data: { trial_period_days: 731 } },
        { subscription_data: { trial_period_days: 1.5 } },
        { subscription_data: { trial_end: now + DAY } },
        { subscription_data: { trial_end: (now + 10 * DAY) * 1000 } },
        { subscription_data: { trial_period_days: 7, trial_end: now + 10 * DAY } },
        { subscription_data: { trial_days: 7 } },
        { subscription_data: { metadata: { n: 1 } } },
        { mode: 'payment', line_items: [{ price: 'price_tshirt', quantity: 1 }], subscription_data: { trial_period_days: 7 } },
      ];
      for (const body of bad) expectError(await create(body), 400, 'validation_error');
      expect((await h.api('GET', '/api/v3/checkout/sessions')).body.data).toEqual([]);
      expect((await create({ subscription_data: { trial_period_days: 730 } })).status).toBe(200);
      expect((await create({ subscription_data: { trial_end: now + 2 * DAY + 60 } })).status).toBe(200);
    });

    it('a trial canceled at period end ends at the trial end without any charge', async () => {
      const { subscription } = await subscribe(h, { subscription_data: { trial_period_days: 3 } });
      await h.api('PUT', `/api/v3/subscriptions/${subscription.id}`, { cancel_at_period_end: true });
      const run = await advanceTo(subscription.trial_end, DAY);
      expect(run.events.map((e) => e.type)).toEqual(['subscription.canceled']);
      expect(await get(subscription.id)).toMatchObject({ status: 'canceled', ended_at: subscription.trial_end });
      expect(await charges(subscription.id)).toEqual([]);
    });
  });

  describe('renewals (§8.1) on the test clock (§8.5)', () => {
    it('at the period end it charges and advances the period: charge.succeeded and subscription.updated', async () => {
      const { subscription } = await subscribe(h);
      const end = subscription.current_period_end;
      expect((await advanceTo(end, -1)).events).toEqual([]);
      const run = await advanceTo(end);
      expect(run.events.map((e) => [e.type, e.created, e.object])).toEqual([
        ['charge.succeeded', end, expect.stringMatching(/^ch_/)],
        ['subscription.updated', end, subscription.id],
      ]);
      // The advance call answers after the first delivery attempts: the hooks are already here.
      const hooks = hooksFor(subscription.id).filter((hook) => run.events.some((e) => e.id === hook.event.id));
      expect(hooks.map((hook) => hook.event.type).sort()).toEqual(['charge.succeeded', 'subscription.updated']);
      for (const hook of hooks) expect(signatureIsValid(SECRET, hook.headers['x-loops-signature'] as string, hook.raw)).toBe(true);
      const charge = hooks.find((hook) => hook.event.type === 'charge.succeeded')!.event.data.object;
      expect(charge).toMatchObject({ object: 'charge', amount: 1500, currency: 'usd', status: 'succeeded', checkout_session: null, subscription: subscription.id, created: end, failure_message: null });
      const updated = hooks.find((hook) => hook.event.type === 'subscription.updated')!.event.data.object;
      expect(updated).toEqual(await get(subscription.id));
      expect(updated).toMatchObject({ status: 'active', current_period_start: end, current_period_end: addMonths(subscription.created, 2), latest_charge: charge.id });
    });

    it('a long advance runs every renewal, each at its own time, with the period counted from the first payment', async () => {
      const { subscription } = await subscribe(h);
      const run = await advance(h, 400 * DAY);
      const renewals = run.events.filter((e) => e.type === 'charge.succeeded').map((e) => e.created);
      const expected = Array.from({ length: 13 }, (_, i) => addMonths(subscription.created, i + 1)).filter((t) => t <= run.now);
      expect(renewals).toEqual(expected);
      expect(renewals.length).toBe(13);
      expect((await get(subscription.id)).current_period_end).toBe(addMonths(subscription.created, 14));
    });

    it('a failed renewal makes it past_due; a successful retry a day later makes it active, the period advanced from the old end', async () => {
      const { subscription } = await subscribe(h);
      const end = subscription.current_period_end;
      const armed = await h.admin('POST', `/_emulator/subscriptions/${subscription.id}/fail-next-charge`, { message: 'Insufficient funds.' });
      expect(armed.body).toMatchObject({ failNextCharges: 1, subscription: { id: subscription.id } });
      const failed = await advanceTo(end);
      expect(failed.events.map((e) => [e.type, e.created])).toEqual([
        ['charge.failed', end],
        ['subscription.updated', end],
      ]);
      const failedCharge = hooksFor(subscription.id).find((hook) => hook.event.type === 'charge.failed')!.event.data.object;
      expect(failedCharge).toMatchObject({ status: 'failed', paid: false, amount: 1500, subscription: subscription.id, checkout_session: null, failure_message: 'Insufficient funds.' });
      expect(await get(subscription.id)).toMatchObject({ status: 'past_due', current_period_start: subscription.created, current_period_end: end, latest_charge: failedCharge.id });

      const retry = await advanceTo(end + DAY);
      expect(retry.events.map((e) => [e.type, e.created])).toEqual([
        ['charge.succeeded', end + DAY],
        ['subscription.updated', end + DAY],
      ]);
      expect(await get(subscription.id)).toMatchObject({ status: 'active', current_period_start: end, current_period_end: addMonths(subscription.created, 2) });
      expect((await charges(subscription.id)).map((c: any) => c.status)).toEqual(['succeeded', 'failed', 'succeeded']);
    });

    it('the 3rd failed retry, 3 days after the period end, cancels it', async () => {
      const { subscription } = await subscribe(h);
      const end = subscription.current_period_end;
      await h.admin('POST', `/_emulator/subscriptions/${subscription.id}/fail-next-charge`, { times: 4 });
      const run = await advanceTo(end, 10 * DAY);
      expect(run.events.map((e) => [e.type, e.created])).toEqual([
        ['charge.failed', end],
        ['subscription.updated', end],
        ['charge.failed', end + DAY],
        ['charge.failed', end + 2 * DAY],
        ['charge.failed', end + 3 * DAY],
        ['subscription.canceled', end + 3 * DAY],
      ]);
      expect(await get(subscription.id)).toMatchObject({ status: 'canceled', ended_at: end + 3 * DAY, canceled_at: end + 3 * DAY, current_period_end: end });
      const canceled = hooksFor(subscription.id).find((hook) => hook.event.type === 'subscription.canceled')!.event.data.object;
      expect(canceled).toMatchObject({ status: 'canceled', ended_at: end + 3 * DAY });
      expect((await h.admin('GET', `/_emulator/subscriptions/${subscription.id}`)).body).toMatchObject({ nextActionAt: null, failNextCharges: 0 });
      expectError(await h.admin('POST', `/_emulator/subscriptions/${subscription.id}/fail-next-charge`), 409, 'subscription_canceled');
    });

    it('the clock runs due work of every kind in time order: expiry, trial end, renewal, retry', async () => {
      const trial = (await subscribe(h, { subscription_data: { trial_period_days: 2 } })).subscription;
      const paid = (await subscribe(h)).subscription;
      await h.admin('POST', `/_emulator/subscriptions/${paid.id}/fail-next-charge`);
      const open = (await h.api('POST', '/api/v3/checkout/sessions', { productId: USD_PRODUCT.id })).body;
      const run = await advanceTo(paid.current_period_end, DAY + 3600);
      const timeline = run.events.map((e) => [e.type, e.object?.startsWith('ch_') ? 'charge' : e.object, e.created]);
      expect(timeline).toEqual([
        ['checkout.session.expired', open.id, open.expires_at],
        ['charge.succeeded', 'charge', trial.trial_end],
        ['subscription.updated', trial.id, trial.trial_end],
        ['charge.failed', 'charge', paid.current_period_end],
        ['subscription.updated', paid.id, paid.current_period_end],
        ['charge.succeeded', 'charge', paid.current_period_end + DAY],
        ['subscription.updated', paid.id, paid.current_period_end + DAY],
      ]);
      const ids = new Set(receiver.received.map((hook) => hook.event.id));
      for (const event of run.events) expect(ids.has(event.id)).toBe(true);
    });

    it('validates the clock and fail-next-charge calls', async () => {
      const { subscription } = await subscribe(h);
      for (const body of [{}, { seconds: -1 }, { seconds: 1.5 }, { seconds: 11 * 366 * DAY }, { advanceSeconds: 5 }]) {
        expectError(await h.admin('POST', '/_emulator/clock/advance', body), 400, 'validation_error');
      }
      for (const body of [{ times: 0 }, { times: 101 }, { message: '' }, { count: 1 }]) {
        expectError(await h.admin('POST', `/_emulator/subscriptions/${subscription.id}/fail-next-charge`, body), 400, 'validation_error');
      }
      expectError(await h.admin('POST', '/_emulator/subscriptions/sub_missing/fail-next-charge'), 404, 'subscription_not_found');
      expect((await h.admin('GET', '/_emulator/clock')).body.offsetSeconds).toBe(0);
    });
  });

  describe('PUT and DELETE (§8.2)', () => {
    it('cancel_at_period_end: ends at the period end without a charge; canceled_at is when it was asked', async () => {
      const { subscription } = await subscribe(h);
      const put = await h.api('PUT', `/api/v3/subscriptions/${subscription.id}`, { cancel_at_period_end: true });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ status: 'active', cancel_at_period_end: true, canceled_at: expect.any(Number), ended_at: null });
      const run = await advanceTo(subscription.current_period_end, 5 * DAY);
      expect(run.events.map((e) => [e.type, e.created])).toEqual([['subscription.canceled', subscription.current_period_end]]);
      expect(await get(subscription.id)).toMatchObject({ status: 'canceled', canceled_at: put.body.canceled_at, ended_at: subscription.current_period_end });
      await settle();
      expect(subscriptionEvents(subscription.id).slice(0, 2).sort()).toEqual(['subscription.created', 'subscription.updated']);
      expect(subscriptionEvents(subscription.id).slice(2)).toEqual(['subscription.canceled']);
      expect(typesFor(subscription.id).filter((t) => t.startsWith('charge.'))).toEqual(['charge.succeeded']);
    });

    it('resume (cancel_at_period_end false) undoes it; the renewal happens', async () => {
      const { subscription } = await subscribe(h);
      await h.api('PUT', `/api/v3/subscriptions/${subscription.id}`, { cancel_at_period_end: true });
      const resumed = await h.api('PUT', `/api/v3/subscriptions/${subscription.id}`, { cancel_at_period_end: false });
      expect(resumed.body).toMatchObject({ cancel_at_period_end: false, canceled_at: null, status: 'active' });
      const run = await advanceTo(subscription.current_period_end);
      expect(run.events.map((e) => e.type)).toEqual(['charge.succeeded', 'subscription.updated']);
    });

    it('quantity applies from the next renewal, without proration', async () => {
      const { subscription } = await subscribe(h);
      const put = await h.api('PUT', `/api/v3/subscriptions/${subscription.id}`, { quantity: 3 });
      expect(put.body).toMatchObject({ quantity: 3, amount: 4500, current_period_end: subscription.current_period_end });
      expect((await charges(subscription.id)).map((c: any) => c.amount)).toEqual([1500]);
      await advanceTo(subscription.current_period_end);
      expect((await charges(subscription.id)).map((c: any) => c.amount)).toEqual([1500, 4500]);
    });

    it('metadata replaces the whole set within the §2 limits; subscription.updated only when something changed', async () => {
      const { subscription } = await subscribe(h, { subscription_data: { metadata: { a: '1', b: '2' } } });
      await settle();
      const updatesBefore = typesFor(subscription.id).filter((t) => t === 'subscription.updated').length;
      expect((await h.api('PUT', `/api/v3/subscriptions/${subscription.id}`, { metadata: { c: '3' } })).body.metadata).toEqual({ c: '3' });
      expect((await h.api('PUT', `/api/v3/subscriptions/${subscription.id}`, { metadata: { c: '3' }, quantity: 1, cancel_at_period_end: false })).status).toBe(200);
      expect((await h.api('PUT', `/api/v3/subscriptions/${subscription.id}`, {})).status).toBe(200);
      await settle();
      const updates = hooksFor(subscription.id).filter((hook) => hook.event.type === 'subscription.updated');
      expect(updates.length - updatesBefore).toBe(1);
      expect(updates.at(-1)!.event.data.object.metadata).toEqual({ c: '3' });

      const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
      const tooBig = { k: 'x'.repeat(5200) };
      for (const body of [{ metadata: tooMany }, { metadata: tooBig }, { metadata: { n: 1 } }, { quantity: 0 }, { quantity: 2.5 }, { cancel_at_period_end: 'yes' }, { status: 'canceled' }]) {
        expectError(await h.api('PUT', `/api/v3/subscriptions/${subscription.id}`, body), 400, 'validation_error');
      }
      expect(await get(subscription.id)).toMatchObject({ metadata: { c: '3' }, quantity: 1, cancel_at_period_end: false });
    });

    it('DELETE ends it now, without a refund; a second DELETE answers it unchanged; PUT on it is a 400', async () => {
      const { subscription } = await subscribe(h);
      await advance(h, 3600);
      const deleted = await h.api('DELETE', `/api/v3/subscriptions/${subscription.id}`);
      expect(deleted.status).toBe(200);
      const { now } = (await h.admin('GET', '/_emulator/clock')).body;
      expect(deleted.body).toMatchObject({ status: 'canceled', canceled_at: expect.any(Number), current_period_end: subscription.current_period_end });
      expect(deleted.body.ended_at).toBe(deleted.body.canceled_at);
      expect(Math.abs(deleted.body.ended_at - now)).toBeLessThanOrEqual(2);
      await settle();
      expect(typesFor(subscription.id).filter((t) => t === 'subscription.canceled')).toHaveLength(1);

      await advance(h, 60);
      const again = await h.api('DELETE', `/api/v3/subscriptions/${subscription.id}`);
      expect(again.body).toEqual(deleted.body);
      expectError(await h.api('PUT', `/api/v3/subscriptions/${subscription.id}`, { cancel_at_period_end: false }), 400, 'subscription_canceled');
      const run = await advance(h, 60 * DAY);
      expect(run.events).toEqual([]);
      await settle();
      expect(typesFor(subscription.id).filter((t) => t === 'subscription.canceled')).toHaveLength(1);
      expect((await charges(subscription.id)).map((c: any) => c.amount_refunded)).toEqual([0]);
    });

    it('unknown ids are the §8.2 404; every route needs the API key', async () => {
      for (const [method, body] of [['GET'], ['PUT', {}], ['DELETE']] as const) {
        const reply = await h.api(method, '/api/v3/subscriptions/sub_missing', body);
        expectError(reply, 404, 'subscription_not_found');
        expect(reply.body.error.message).toBe('Subscription Not Found');
      }
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const reply = await fetch(`${h.url}/api/v3/subscriptions/sub_missing`, { method });
        expect(reply.status).toBe(401);
      }
      expect((await fetch(`${h.url}/api/v3/subscriptions`)).status).toBe(401);
    });

    it('PUT honours Idempotency-Key; faults apply to the subscription routes', async () => {
      const { subscription } = await subscribe(h);
      const headers = { 'idempotency-key': 'put-1' };
      const first = await h.api('PUT', `/api/v3/subscriptions/${subscription.id}`, { quantity: 2 }, headers);
      const replay = await h.api('PUT', `/api/v3/subscriptions/${subscription.id}`, { quantity: 2 }, headers);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body).toEqual(first.body);
      expectError(await h.api('PUT', `/api/v3/subscriptions/${subscription.id}`, { quantity: 3 }, headers), 409, 'idempotency_conflict');

      await h.admin('POST', '/_emulator/faults', { method: 'DELETE', path: '/api/v3/subscriptions/*', mode: 'error', status: 503, times: 1 });
      expectError(await h.api('DELETE', `/api/v3/subscriptions/${subscription.id}`), 503, 'emulator_fault');
      expect((await get(subscription.id)).status).toBe('active');
      expect((await h.api('DELETE', `/api/v3/subscriptions/${subscription.id}`)).body.status).toBe('canceled');
    });
  });

  describe('list (§8.2)', () => {
    it('filters by externalCustomerId and status, newest first, with offset paging', async () => {
      const a1 = (await subscribe(h, { externalCustomerId: 'cust_a' })).subscription;
      await advance(h, 10);
      const b1 = (await subscribe(h, { externalCustomerId: 'cust_b' })).subscription;
      await advance(h, 10);
      const a2 = (await subscribe(h, { externalCustomerId: 'cust_a', subscription_data: { trial_period_days: 5 } })).subscription;
      const list = async (query: string) => (await h.api('GET', `/api/v3/subscriptions${query}`)).body;

      const all = await list('');
      expect(all).toMatchObject({ object: 'list', has_more: false, url: '/api/v3/subscriptions' });
      expect(all.data.map((s: any) => s.id)).toEqual([a2.id, b1.id, a1.id]);
      expect((await list('?externalCustomerId=cust_a')).data.map((s: any) => s.id)).toEqual([a2.id, a1.id]);
      expect((await list('?status=trialing')).data.map((s: any) => s.id)).toEqual([a2.id]);
      expect((await list('?externalCustomerId=cust_b&status=trialing')).data).toEqual([]);
      const firstPage = await list('?limit=2');
      expect(firstPage).toMatchObject({ has_more: true });
      expect(firstPage.data.map((s: any) => s.id)).toEqual([a2.id, b1.id]);
      const secondPage = await list('?limit=2&offset=2');
      expect(secondPage).toMatchObject({ has_more: false });
      expect(secondPage.data.map((s: any) => s.id)).toEqual([a1.id]);

      for (const query of ['?limit=0', '?limit=101', '?limit=x', '?offset=-1', '?status=paused', '?status=active&status=canceled']) {
        expectError(await h.api('GET', `/api/v3/subscriptions${query}`), 400, 'validation_error');
      }
    });
  });
});
