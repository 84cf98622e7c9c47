import Stripe from 'stripe';
import { postLoopsEvent } from '../helpers/loops-webhooks';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver';
import { TEST_KEYS, useStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait-for';

/**
 * Checkout in subscription mode through the official stripe package (issue 12;
 * docs/stripe-billing-contract.md §11, docs/loops-contract.md §8.3): nextjs/saas-starter's checkout (`mode: 'subscription'`,
 * `subscription_data.trial_period_days: 14`) and its success handler (`retrieve` with
 * `expand: ['customer', 'subscription']`, which throws unless `customer` is an object), completed on
 * the emulator as the customer would (admin `complete` with what they typed).
 */
describe('checkout in subscription mode (stripe-node)', () => {
  let stripe: Stripe;
  let receiver: MerchantReceiver;

  beforeAll(async () => {
    receiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
  });
  const stack = useStack(() => ({ env: { WEBHOOK_ENDPOINTS: receiver.url, STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook } }));
  beforeAll(() => {
    stripe = stack.stripe({ maxNetworkRetries: 0 });
  });
  afterAll(async () => {
    await receiver.close();
  });

  const complete = (id: string, typed: { email?: string; name?: string }) => stack.loops.admin('POST', `/_emulator/sessions/${id}/complete`, typed);
  /** The events the merchant's handler accepted about one object, in the order they were recorded. */
  const recordedFor = async (predicate: (event: Stripe.Event) => boolean) =>
    (await stripe.events.list({ limit: 100 })).data.filter(predicate).reverse();
  const completedEventOf = async (sessionId: string) =>
    (
      await receiver.waitFor((events) =>
        events.some((e) => e.type === 'checkout.session.completed' && (e.data.object as { id: string }).id === sessionId),
      )
    ).find((e) => e.type === 'checkout.session.completed' && (e.data.object as { id: string }).id === sessionId) as Stripe.Event;

  it('a 14-day trial: Loops gets the trial and the subscription metadata; completion creates the customer first, then completes', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: 'price_pro_monthly', quantity: 1 }],
      success_url: 'https://saas.example/api/stripe/checkout?session_id={CHECKOUT_SESSION_ID}',
      client_reference_id: 'user_42',
      allow_promotion_codes: true,
      subscription_data: { trial_period_days: 14, metadata: { team: 'acme' }, description: 'Pro for Acme' },
      metadata: { order: 'o-1' },
    });
    // As in Stripe, nothing of the customer, subscription or invoice before completion.
    expect(session).toMatchObject({
      mode: 'subscription',
      status: 'open',
      payment_status: 'unpaid',
      customer: null,
      subscription: null,
      invoice: null,
    });

    // Loops was asked for the trial, the subscription's own metadata, and a customer id to hold it.
    const loopsBefore = (await stack.loops.admin('GET', `/_emulator/sessions/${session.id}`)).json;
    const externalCustomerId = loopsBefore.v3.externalCustomerId as string;
    expect(externalCustomerId).toMatch(/^cus_[A-Za-z0-9]{24}$/);

    const completed = await complete(session.id, { email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(completed.status).toBe(200);
    const subscriptionId = completed.json.subscription as string;
    expect(subscriptionId).toMatch(/^sub_/);
    const loopsSubscription = (await stack.loops.api('GET', `/api/v3/subscriptions/${subscriptionId}`)).json;
    expect(loopsSubscription).toMatchObject({ status: 'trialing', externalCustomerId, metadata: { team: 'acme' } });

    const event = await completedEventOf(session.id);
    const object = event.data.object as Stripe.Checkout.Session;
    expect(object).toMatchObject({
      status: 'complete',
      payment_status: 'no_payment_required',
      customer: externalCustomerId,
      subscription: subscriptionId,
      payment_intent: null,
      setup_intent: null,
      customer_details: { email: 'ada@example.com', name: 'Ada Lovelace' },
      metadata: { order: 'o-1' },
      client_reference_id: 'user_42',
    });
    expect(object.invoice).toMatch(/^in_/);

    // `customer.created` was recorded before `checkout.session.completed`, carrying what was typed.
    const sequence = await recordedFor(
      (e) => (e.type === 'customer.created' && (e.data.object as { id: string }).id === externalCustomerId) || e.id === event.id,
    );
    expect(sequence.map((e) => e.type)).toEqual(['customer.created', 'checkout.session.completed']);
    expect(sequence[0]?.data.object).toMatchObject({ id: externalCustomerId, email: 'ada@example.com', name: 'Ada Lovelace' });

    // saas-starter's success handler.
    const retrieved = await stripe.checkout.sessions.retrieve(session.id, { expand: ['customer', 'subscription'] });
    if (typeof retrieved.customer !== 'object' || retrieved.customer === null) throw new Error('Invalid customer data from Stripe.');
    expect(retrieved.customer).toMatchObject({ id: externalCustomerId, object: 'customer', email: 'ada@example.com', name: 'Ada Lovelace' });
    const subscription = retrieved.subscription as Stripe.Subscription;
    expect(subscription).toMatchObject({ id: subscriptionId, object: 'subscription', status: 'trialing', customer: externalCustomerId });
    expect(retrieved).toMatchObject({ payment_status: 'no_payment_required', invoice: object.invoice, customer_details: object.customer_details });
    // The directory has the customer; the session lists under it.
    expect(await stripe.customers.retrieve(externalCustomerId)).toMatchObject({ email: 'ada@example.com' });
    expect((await stripe.checkout.sessions.list({ customer: externalCustomerId })).data.map((s) => s.id)).toEqual([session.id]);
  });

  it('a paid subscription without trial: `paid`, the customer created once however many reports arrive', async () => {
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: 'price_pro_monthly', quantity: 1 }] });
    const completed = await complete(session.id, { email: 'grace@example.com', name: 'Grace Hopper' });
    // A retrieve, the webhooks (completed, charge, subscription) and another retrieve, all at once.
    const reads = await Promise.all([stripe.checkout.sessions.retrieve(session.id), stripe.checkout.sessions.retrieve(session.id)]);
    const event = await completedEventOf(session.id);
    const object = event.data.object as Stripe.Checkout.Session;
    expect(object).toMatchObject({ status: 'complete', payment_status: 'paid', subscription: completed.json.subscription, payment_intent: null });
    for (const read of reads) expect(read).toMatchObject({ status: 'complete', customer: object.customer, invoice: object.invoice });
    await stack.loops.admin('POST', '/_emulator/webhooks/flush');
    const created = await recordedFor((e) => e.type === 'customer.created' && (e.data.object as { id: string }).id === object.customer);
    expect(created).toHaveLength(1);
    const completions = await recordedFor((e) => e.type === 'checkout.session.completed' && (e.data.object as { id: string }).id === session.id);
    expect(completions).toHaveLength(1);
  });

  it('payment mode with customer_creation: always creates the customer at completion; without it, none', async () => {
    const always = await stripe.checkout.sessions.create({
      mode: 'payment',
      customer_creation: 'always',
      line_items: [{ price: 'price_tshirt', quantity: 1 }],
    });
    expect(always).toMatchObject({ customer: null, customer_creation: 'always' });
    await complete(always.id, { email: 'buyer@example.com', name: 'Bea Buyer' });
    const event = await completedEventOf(always.id);
    const object = event.data.object as Stripe.Checkout.Session;
    expect(object).toMatchObject({
      payment_status: 'paid',
      customer_details: { email: 'buyer@example.com', name: 'Bea Buyer' },
      subscription: null,
      invoice: null,
    });
    expect(object.customer).toMatch(/^cus_/);
    expect(await stripe.customers.retrieve(object.customer as string)).toMatchObject({ email: 'buyer@example.com', name: 'Bea Buyer' });

    const guest = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_tshirt', quantity: 1 }] });
    await complete(guest.id, { email: 'guest@example.com' });
    await waitFor(async () => (await stripe.checkout.sessions.retrieve(guest.id)).status === 'complete');
    expect(await stripe.checkout.sessions.retrieve(guest.id)).toMatchObject({ customer: null, customer_details: { email: 'guest@example.com' } });
  });

  it('a named customer keeps its id: Loops gets it, no customer is created', async () => {
    const customer = await stripe.customers.create({ email: 'known@example.com' });
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: 'price_pro_monthly', quantity: 1 }],
    });
    const completed = await complete(session.id, { name: 'Known Person' });
    expect((await stack.loops.api('GET', `/api/v3/subscriptions/${completed.json.subscription}`)).json.externalCustomerId).toBe(customer.id);
    const object = (await completedEventOf(session.id)).data.object as Stripe.Checkout.Session;
    expect(object).toMatchObject({ customer: customer.id, customer_details: { email: 'known@example.com', name: 'Known Person' } });
    expect(
      await recordedFor((e) => e.type === 'customer.created' && (e.data.object as { email?: string }).email === 'known@example.com'),
    ).toHaveLength(1);
  });

  it.each([
    [
      'customer_creation in subscription mode',
      { customer_creation: 'always' },
      { param: 'customer_creation', message: '`customer_creation` can only be used in `payment` mode.' },
    ],
    [
      'invoice_creation in subscription mode',
      { invoice_creation: { enabled: true } },
      { param: 'invoice_creation', message: expect.stringContaining('Invoices are created automatically when mode is set to `subscription`') },
    ],
    [
      'payment_intent_data in subscription mode',
      { payment_intent_data: { metadata: { a: '1' } } },
      { param: 'payment_intent_data', message: 'You can not pass `payment_intent_data` in `subscription` mode.' },
    ],
    [
      'two line items (a Loops subscription holds one product)',
      {
        line_items: [
          { price: 'price_pro_monthly', quantity: 1 },
          { price: 'price_tshirt', quantity: 1 },
        ],
      },
      { param: 'line_items', message: expect.stringContaining('exactly one line item') },
    ],
    [
      'a trial of 0 days',
      { subscription_data: { trial_period_days: 0 } },
      { param: 'subscription_data[trial_period_days]', message: expect.stringContaining('greater than or equal to 1') },
    ],
    [
      'a trial_end less than 48 hours ahead',
      { subscription_data: { trial_end: Math.floor(Date.now() / 1000) + 24 * 3600 } },
      { param: 'subscription_data[trial_end]', message: expect.stringContaining('at least 48 hours') },
    ],
    [
      'both trial forms',
      { subscription_data: { trial_period_days: 7, trial_end: Math.floor(Date.now() / 1000) + 10 * 86_400 } },
      { param: 'subscription_data[trial_end]', code: 'parameters_exclusive' },
    ],
    [
      'a billing cycle anchor',
      { subscription_data: { billing_cycle_anchor: Math.floor(Date.now() / 1000) + 10 * 86_400 } },
      { param: 'subscription_data[billing_cycle_anchor]', message: expect.stringContaining('another anchor would change when the customer pays') },
    ],
    ['a removed field', { subscription_data: { trial_from_plan: true } }, { param: 'subscription_data[trial_from_plan]', code: 'parameter_unknown' }],
  ])('refuses %s with a 400 naming it, before anything is made in Loops', async (_what, extra, error) => {
    const before = (await stack.loops.admin('GET', '/_emulator/stats')).json.sessionsCreated;
    const params = {
      mode: 'subscription',
      line_items: [{ price: 'price_pro_monthly', quantity: 1 }],
      ...extra,
    } as Stripe.Checkout.SessionCreateParams;
    await expect(stripe.checkout.sessions.create(params)).rejects.toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 400, ...error });
    expect((await stack.loops.admin('GET', '/_emulator/stats')).json.sessionsCreated).toBe(before);
  });

  it('refuses subscription_data outside subscription mode', async () => {
    await expect(
      stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: 'price_tshirt', quantity: 1 }],
        subscription_data: { trial_period_days: 7 },
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'subscription_data', message: '`subscription_data` can only be used in `subscription` mode.' });
  });

  it('a trial_end in the window goes to Loops as it is', async () => {
    const trialEnd = Math.floor(Date.now() / 1000) + 10 * 86_400;
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: 'price_pro_monthly', quantity: 1 }],
      subscription_data: { trial_end: trialEnd },
    });
    const completed = await complete(session.id, { email: 'later@example.com' });
    expect((await stack.loops.api('GET', `/api/v3/subscriptions/${completed.json.subscription}`)).json).toMatchObject({
      status: 'trialing',
      trial_end: trialEnd,
    });
  });

  it('a create retried after Loops made the session but failed to answer gives Loops the same customer id: one session', async () => {
    const stats = async () => (await stack.loops.admin('GET', '/_emulator/stats')).json.sessionsCreated as number;
    const before = await stats();
    await stack.loops.admin('POST', '/_emulator/faults', {
      method: 'POST',
      path: '/api/v3/checkout/sessions',
      mode: 'error',
      status: 503,
      phase: 'after',
      times: 1,
    });
    const session = await stack
      .stripe({ maxNetworkRetries: 2 })
      .checkout.sessions.create(
        { mode: 'subscription', line_items: [{ price: 'price_pro_monthly', quantity: 1 }], subscription_data: { trial_period_days: 3 } },
        { idempotencyKey: 'subscription-create-retried' },
      );
    expect((await stats()) - before).toBe(1);
    const externalCustomerId = (await stack.loops.admin('GET', `/_emulator/sessions/${session.id}`)).json.v3.externalCustomerId;
    await complete(session.id, { email: 'retried@example.com' });
    expect((await completedEventOf(session.id)).data.object).toMatchObject({ customer: externalCustomerId });
  });

  describe('completion reported piecemeal or while Loops fails (Loops webhooks off: the test plays them)', () => {
    let targets: unknown;
    beforeAll(async () => {
      targets = (await stack.loops.admin('GET', '/_emulator/webhooks')).json.targets;
      await stack.loops.admin('PUT', '/_emulator/webhooks', { targets: [] });
    });
    afterAll(async () => {
      await stack.loops.admin('DELETE', '/_emulator/faults');
      await stack.loops.admin('PUT', '/_emulator/webhooks', { targets });
    });

    it('a charge webhook alone (no customer_details) completes the session whole: one V3 read fills what it lacks', async () => {
      const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: 'price_pro_monthly', quantity: 1 }] });
      await complete(session.id, { email: 'charge.first@example.com', name: 'Charlie First' });
      const { charge } = (await stack.loops.admin('GET', `/_emulator/sessions/${session.id}`)).json;
      expect(charge).toMatchObject({ checkout_session: session.id, subscription: expect.stringMatching(/^sub_/) });
      const answer = await postLoopsEvent(stack.url, { id: `evt_charge_first_${session.id}`, type: 'charge.succeeded', data: { object: charge } });
      expect(answer).toMatchObject({ status: 200, json: { outcome: 'processed' } });
      const event = await completedEventOf(session.id);
      expect(event.data.object).toMatchObject({
        payment_status: 'paid',
        subscription: charge.subscription,
        customer_details: { email: 'charge.first@example.com', name: 'Charlie First' },
        invoice: expect.stringMatching(/^in_/),
        customer: expect.stringMatching(/^cus_/),
      });
    });

    it('Loops cannot be read at completion: nothing is completed (a 502 to retry), then the completion lands whole and once', async () => {
      const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: 'price_pro_monthly', quantity: 1 }] });
      const completed = await complete(session.id, { email: 'flaky@example.com', name: 'Flaky Loops' });
      await stack.loops.admin('POST', '/_emulator/faults', { method: 'GET', path: '/api/v3/subscriptions/*', mode: 'error', status: 503 });
      const webhook = { id: `evt_completed_${session.id}`, type: 'checkout.session.completed', data: { object: completed.json } };
      // Loops' webhook is answered with a failure, so Loops sends it again; a retrieve fails retryably.
      expect((await postLoopsEvent(stack.url, webhook)).status).toBe(502);
      await expect(stripe.checkout.sessions.retrieve(session.id)).rejects.toMatchObject({ statusCode: 502 });
      expect((await stripe.checkout.sessions.list({ limit: 100 })).data.find((s) => s.id === session.id)).toMatchObject({
        status: 'open',
        subscription: null,
        invoice: null,
      });

      await stack.loops.admin('DELETE', '/_emulator/faults');
      expect((await postLoopsEvent(stack.url, webhook)).json.outcome).toBe('processed');
      const retrieved = await stripe.checkout.sessions.retrieve(session.id);
      expect(retrieved).toMatchObject({
        status: 'complete',
        payment_status: 'paid',
        subscription: completed.json.subscription,
        invoice: expect.stringMatching(/^in_/),
      });
      const customer = retrieved.customer as string;
      expect(await recordedFor((e) => e.type === 'customer.created' && (e.data.object as { id: string }).id === customer)).toHaveLength(1);
      expect(await recordedFor((e) => e.type === 'checkout.session.completed' && (e.data.object as { id: string }).id === session.id)).toHaveLength(
        1,
      );
    });
  });
});
