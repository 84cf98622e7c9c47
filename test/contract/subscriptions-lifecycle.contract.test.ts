import Stripe from 'stripe';
import { addIntervals } from '../../src/translate/billing-period';
import {
  advance,
  expectEventCounts,
  DAY,
  emulatorNow,
  eventsAbout,
  flushLoops,
  movableClock,
  subscribeOnLoops,
  subscribeThroughGateway,
} from '../helpers/billing';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver';
import { startStack, TEST_KEYS, type Stack } from '../helpers/stack';

const OLD = '2024-06-20';

/**
 * The subscription life cycle through stripe-node (issue 12; docs/stripe-billing-contract.md §6, §8,
 * §10.1), driven by the emulator's test clock: first payment, renewal, a failed renewal and its
 * recovery, a trial and its end, cancellation at period end and now. Every Stripe event reaches
 * the merchant's unchanged handler (stripe.webhooks.constructEvent) exactly once per change.
 */
describe('subscriptions and invoices: the life cycle (stripe-node, test clock)', () => {
  let receiver: MerchantReceiver;
  let stack: Stack;
  let stripe: Stripe;
  const clock = movableClock();

  // A stack per test: the test clock moves every subscription of an emulator, and the gateway's
  // checkout create dates its sessions by real time, so each test starts from the emulator's now.
  beforeAll(async () => {
    receiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
  });
  beforeEach(async () => {
    stack = await startStack({
      env: { WEBHOOK_ENDPOINTS: receiver.url, STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook },
      emulator: { webhookRetryDelaysMs: [100, 200, 400] },
      now: clock.now,
    });
    stripe = stack.stripe({ maxNetworkRetries: 0 });
  });
  afterEach(() => stack?.close());
  afterAll(() => receiver?.close());

  const expectEvents = (id: string, customer: string, counts: Record<string, number>) => expectEventCounts(receiver, id, customer, counts);
  const updatedEvents = (id: string) =>
    eventsAbout(receiver, id).filter((event) => event.type === 'customer.subscription.updated' && (event.data.object as { id: string }).id === id);

  it('a paid checkout: the subscription with its item, price and plan, and its first invoice paid', async () => {
    const customer = (await stripe.customers.create({ email: 'life.1@example.com' })).id;
    const { subscription: id } = await subscribeThroughGateway(stack, stripe, { customer });
    const subscription = await stripe.subscriptions.retrieve(id, { expand: ['items.data.price.product', 'latest_invoice', 'customer'] });
    const item = subscription.items.data[0];
    expect(subscription).toMatchObject({
      id,
      object: 'subscription',
      status: 'active',
      cancel_at_period_end: false,
      cancel_at: null,
      ended_at: null,
    });
    expect((subscription.customer as Stripe.Customer).id).toBe(customer);
    expect(item?.price).toMatchObject({ id: 'price_pro_monthly', unit_amount: 900, recurring: { interval: 'month' } });
    expect((item?.price.product as Stripe.Product).name).toBe('Pro plan');
    expect(item?.plan).toMatchObject({ id: 'price_pro_monthly', object: 'plan', amount: 900, interval: 'month' });
    expect(item?.current_period_end).toBe(addIntervals(item?.current_period_start ?? 0, 'month', 1));
    expect(subscription.billing_mode.type).toBe('flexible');
    // Basil and later: the period is on the item only.
    expect('current_period_end' in subscription).toBe(false);

    const invoice = subscription.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({
      object: 'invoice',
      status: 'paid',
      billing_reason: 'subscription_create',
      amount_due: 900,
      amount_paid: 900,
      customer,
      parent: { type: 'subscription_details', subscription_details: { subscription: id } },
    });
    expect('subscription' in invoice).toBe(false);
    expect(invoice.lines.data[0]).toMatchObject({ amount: 900, quantity: 1, pricing: { price_details: { price: 'price_pro_monthly' } } });
    expect(await stripe.invoices.retrieve(invoice.id ?? '')).toMatchObject({ id: invoice.id, status: 'paid' });

    await expectEvents(id, customer, {
      'customer.subscription.created': 1,
      'invoice.created': 1,
      'invoice.finalized': 1,
      'invoice.paid': 1,
      'invoice.payment_succeeded': 1,
      'charge.succeeded': 1,
    });
  });

  it('reads with Stripe-Version 2024-06-20 show the older shapes', async () => {
    const customer = (await stripe.customers.create({ email: 'life.old@example.com' })).id;
    const { subscription: id } = await subscribeThroughGateway(stack, stripe, { customer });
    const old = await stripe.subscriptions.retrieve(id, {}, { apiVersion: OLD });
    const oldFields = old as unknown as { current_period_start: number; current_period_end: number; discount: null };
    expect(oldFields.current_period_start).toBe(old.items.data[0]?.current_period_start);
    expect(oldFields.current_period_end).toBe(old.items.data[0]?.current_period_end);
    expect(oldFields.discount).toBeNull();
    const invoice = (await stripe.invoices.retrieve(String(old.latest_invoice), {}, { apiVersion: OLD })) as unknown as Record<string, unknown> & {
      lines: { data: Record<string, unknown>[] };
    };
    expect(invoice).toMatchObject({ subscription: id, paid: true, payment_intent: null, subscription_details: { metadata: {} } });
    expect(typeof invoice.charge).toBe('string');
    expect(invoice.lines.data[0]).toMatchObject({ type: 'subscription', price: { id: 'price_pro_monthly' }, plan: { id: 'price_pro_monthly' } });
    // Expanded, the subscription goes where each version keeps it.
    const oldExpanded = (await stripe.invoices.retrieve(
      String(old.latest_invoice),
      { expand: ['subscription'] },
      { apiVersion: OLD },
    )) as unknown as {
      subscription: Stripe.Subscription;
    };
    expect(oldExpanded.subscription).toMatchObject({ id, object: 'subscription', current_period_end: oldFields.current_period_end });
    const current = await stripe.invoices.retrieve(String(old.latest_invoice), { expand: ['parent.subscription_details.subscription'] });
    expect(current.parent?.subscription_details?.subscription).toMatchObject({ id, object: 'subscription' });
    expect('subscription' in current).toBe(false);
    const listed = await stripe.subscriptions.list({ customer }, { apiVersion: OLD });
    expect((listed.data[0] as unknown as { current_period_end: number }).current_period_end).toBe(oldFields.current_period_end);
  });

  it('renewal: a new invoice paid at the period end, subscription.updated with the old items and latest_invoice', async () => {
    const customer = (await stripe.customers.create({ email: 'life.renew@example.com' })).id;
    const { subscription: id } = await subscribeThroughGateway(stack, stripe, { customer });
    const before = await stripe.subscriptions.retrieve(id);
    const end = before.items.data[0]?.current_period_end ?? 0;
    await advance(stack, end - (await emulatorNow(stack)).now + 1);
    const after = await stripe.subscriptions.retrieve(id);
    expect(after.items.data[0]?.current_period_start).toBe(end);
    expect(after.latest_invoice).not.toBe(before.latest_invoice);
    const renewal = await stripe.invoices.retrieve(String(after.latest_invoice));
    expect(renewal).toMatchObject({ status: 'paid', billing_reason: 'subscription_cycle', amount_paid: 900 });
    expect(renewal.lines.data[0]?.period).toEqual({ start: end, end: after.items.data[0]?.current_period_end });
    // The invoice's own period is the window for pending items: the previous period, up to the renewal.
    expect([renewal.period_start, renewal.period_end]).toEqual([before.items.data[0]?.current_period_start, end]);
    const first = await stripe.invoices.retrieve(String(before.latest_invoice));
    expect(first.period_end - first.period_start).toBe(0);

    await expectEvents(id, customer, {
      'customer.subscription.created': 1,
      'customer.subscription.updated': 1,
      'invoice.created': 2,
      'invoice.finalized': 2,
      'invoice.paid': 2,
      'invoice.payment_succeeded': 2,
      'charge.succeeded': 2,
    });
    const [updated] = updatedEvents(id);
    expect(Object.keys(updated?.data.previous_attributes ?? {}).sort()).toEqual(['items', 'latest_invoice']);
    expect(updated?.data.previous_attributes).toMatchObject({ latest_invoice: before.latest_invoice });
    const invoices = await stripe.invoices.list({ subscription: id });
    expect(invoices.data.map((invoice) => invoice.billing_reason)).toEqual(['subscription_cycle', 'subscription_create']);
  });

  it('a quantity change goes to Loops now and is charged from the next renewal, without proration', async () => {
    const customer = (await stripe.customers.create({ email: 'life.quantity@example.com' })).id;
    const { subscription: id } = await subscribeThroughGateway(stack, stripe, { customer });
    const before = await stripe.subscriptions.retrieve(id);
    const item = before.items.data[0];
    const updated = await stripe.subscriptions.update(id, { items: [{ id: item?.id ?? '', quantity: 2 }] });
    expect(updated.items.data[0]?.quantity).toBe(2);
    expect(await stripe.invoices.retrieve(String(before.latest_invoice))).toMatchObject({ amount_paid: 900 });
    await advance(stack, (item?.current_period_end ?? 0) - (await emulatorNow(stack)).now + 1);
    const renewal = await stripe.invoices.retrieve(String((await stripe.subscriptions.retrieve(id)).latest_invoice));
    expect(renewal).toMatchObject({ billing_reason: 'subscription_cycle', amount_paid: 1800 });
    expect(renewal.lines.data[0]).toMatchObject({ quantity: 2, amount: 1800 });
    // stripe-node reads decimals as Stripe.Decimal, so the gateway's must be numeric strings (§0.4).
    expect(String(renewal.lines.data[0]?.pricing?.unit_amount_decimal)).toBe('900');
    await flushLoops(stack);
    await receiver.waitFor(() => updatedEvents(id).length >= 2);
    const quantityChange = updatedEvents(id).find((event) => event.request?.id === updated.lastResponse.requestId);
    expect(quantityChange?.data.previous_attributes).toMatchObject({ items: { data: [expect.objectContaining({ quantity: 1 })] } });
  });

  it('fail-next-charge: invoice.payment_failed and past_due, then the retry succeeds and it is active again', async () => {
    const customer = (await stripe.customers.create({ email: 'life.dunning@example.com' })).id;
    const { subscription: id } = await subscribeThroughGateway(stack, stripe, { customer });
    const start = await stripe.subscriptions.retrieve(id);
    const end = start.items.data[0]?.current_period_end ?? 0;
    await stack.loops.admin('POST', `/_emulator/subscriptions/${id}/fail-next-charge`, { message: 'Insufficient funds.' });
    await advance(stack, end - (await emulatorNow(stack)).now + 1);

    const pastDue = await stripe.subscriptions.retrieve(id, { expand: ['latest_invoice'] });
    expect(pastDue.status).toBe('past_due');
    const open = pastDue.latest_invoice as Stripe.Invoice;
    expect(open).toMatchObject({ status: 'open', attempt_count: 1, amount_paid: 0, amount_remaining: 900, next_payment_attempt: end + DAY });
    await expectEvents(id, customer, {
      'customer.subscription.created': 1,
      'customer.subscription.updated': 1,
      'invoice.created': 2,
      'invoice.finalized': 2,
      'invoice.paid': 1,
      'invoice.payment_succeeded': 1,
      'invoice.payment_failed': 1,
      'charge.succeeded': 1,
      'charge.failed': 1,
    });
    expect(updatedEvents(id)[0]?.data.previous_attributes).toMatchObject({ status: 'active' });
    const failedCharge = eventsAbout(receiver, id, customer).find((event) => event.type === 'charge.failed');
    expect(failedCharge?.data.object).toMatchObject({ status: 'failed', paid: false, failure_message: 'Insufficient funds.', customer });

    await advance(stack, DAY);
    const recovered = await stripe.subscriptions.retrieve(id);
    expect(recovered.status).toBe('active');
    expect(recovered.items.data[0]?.current_period_start).toBe(end);
    const paid = await stripe.invoices.retrieve(open.id ?? '', { expand: ['payments'] });
    expect(paid).toMatchObject({ status: 'paid', attempt_count: 2, amount_paid: 900 });
    // The declined attempt and the one that paid, newest first, each naming its Loops charge.
    expect(paid.payments?.data.map((payment) => [payment.status, payment.amount_paid])).toEqual([
      ['paid', 900],
      ['canceled', null],
    ]);
    await expectEvents(id, customer, {
      'customer.subscription.created': 1,
      'customer.subscription.updated': 2,
      'invoice.created': 2,
      'invoice.finalized': 2,
      'invoice.paid': 2,
      'invoice.payment_succeeded': 2,
      'invoice.payment_failed': 1,
      'charge.failed': 1,
      'charge.succeeded': 2,
    });
    expect(updatedEvents(id)[1]?.data.previous_attributes).toMatchObject({ status: 'past_due' });
  });

  it('cancel at period end: updated now, deleted at the end of the period', async () => {
    const customer = (await stripe.customers.create({ email: 'life.cape@example.com' })).id;
    const { subscription: id } = await subscribeThroughGateway(stack, stripe, { customer });
    const updated = await stripe.subscriptions.update(id, { cancel_at_period_end: true, cancellation_details: { comment: 'too pricey' } });
    const end = updated.items.data[0]?.current_period_end ?? 0;
    expect(updated).toMatchObject({
      status: 'active',
      cancel_at_period_end: true,
      cancel_at: end,
      cancellation_details: { comment: 'too pricey', reason: 'cancellation_requested' },
    });
    expect(updated.canceled_at).toEqual(expect.any(Number));
    expect((await stack.loops.api('GET', `/api/v3/subscriptions/${id}`)).json.cancel_at_period_end).toBe(true);
    await flushLoops(stack);
    await expectEvents(id, customer, {
      'customer.subscription.created': 1,
      'customer.subscription.updated': 1,
      'invoice.created': 1,
      'invoice.finalized': 1,
      'invoice.paid': 1,
      'invoice.payment_succeeded': 1,
      'charge.succeeded': 1,
    });
    const change = updatedEvents(id)[0];
    expect(change?.request?.id).toBe(updated.lastResponse.requestId);
    expect(change?.data.previous_attributes).toMatchObject({ cancel_at: null, cancel_at_period_end: false, canceled_at: null });

    await advance(stack, end - (await emulatorNow(stack)).now + 1);
    const ended = await stripe.subscriptions.retrieve(id);
    expect(ended).toMatchObject({ status: 'canceled', ended_at: end, cancel_at: end, cancel_at_period_end: true });
    await expectEvents(id, customer, {
      'customer.subscription.created': 1,
      'customer.subscription.updated': 1,
      'customer.subscription.deleted': 1,
      'invoice.created': 1,
      'invoice.finalized': 1,
      'invoice.paid': 1,
      'invoice.payment_succeeded': 1,
      'charge.succeeded': 1,
    });
  });

  it('cancel now: DELETE with its params in the query, deleted with the request; a second cancel is a 404', async () => {
    const customer = (await stripe.customers.create({ email: 'life.now@example.com' })).id;
    const { subscription: id } = await subscribeThroughGateway(stack, stripe, { customer });
    const canceled = await stripe.subscriptions.cancel(id, { cancellation_details: { comment: 'bye', feedback: 'too_expensive' } });
    expect(canceled).toMatchObject({
      status: 'canceled',
      cancel_at_period_end: false,
      cancel_at: null,
      cancellation_details: { comment: 'bye', feedback: 'too_expensive', reason: 'cancellation_requested' },
    });
    expect(canceled.ended_at).toBe(canceled.canceled_at);
    await expect(stripe.subscriptions.cancel(id)).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'id' });
    await flushLoops(stack);
    await expectEvents(id, customer, {
      'customer.subscription.created': 1,
      'customer.subscription.deleted': 1,
      'invoice.created': 1,
      'invoice.finalized': 1,
      'invoice.paid': 1,
      'invoice.payment_succeeded': 1,
      'charge.succeeded': 1,
    });
    const deleted = eventsAbout(receiver, id).find((event) => event.type === 'customer.subscription.deleted');
    expect(deleted?.request?.id).toBe(canceled.lastResponse.requestId);
    expect((await stripe.subscriptions.list({ customer })).data).toEqual([]);
    expect((await stripe.subscriptions.list({ customer, status: 'canceled' })).data.map((s) => s.id)).toEqual([id]);
  });

  it('a trial: trialing with a $0 invoice, trial_will_end and invoice.upcoming three days ahead (the sweep), then paid and active', async () => {
    const customer = (await stripe.customers.create({ email: 'life.trial@example.com' })).id;
    const { subscription: id } = await subscribeOnLoops(stack, { externalCustomerId: customer, subscription_data: { trial_period_days: 7 } });
    const trialing = await stripe.subscriptions.retrieve(id, { expand: ['latest_invoice'] });
    expect(trialing).toMatchObject({ status: 'trialing', customer });
    const trialEnd = trialing.trial_end ?? 0;
    expect(trialEnd - (trialing.trial_start ?? 0)).toBe(7 * DAY);
    expect(trialing.latest_invoice).toMatchObject({ status: 'paid', amount_due: 0, billing_reason: 'subscription_create' });

    const warned = await advance(stack, trialEnd - 2 * DAY - (await emulatorNow(stack)).now);
    await clock.at(warned.offsetSeconds, () => stack.container.sweepSubscriptions());
    await expectEvents(id, customer, {
      'customer.subscription.created': 1,
      'customer.subscription.trial_will_end': 1,
      'invoice.upcoming': 1,
      'invoice.created': 1,
      'invoice.finalized': 1,
      'invoice.paid': 1,
      'invoice.payment_succeeded': 1,
    });
    // The invoice the trial's end will make (UPCOMING_INVOICE_DAYS, default 3): no id, as Stripe's.
    const upcoming = eventsAbout(receiver, id).find((event) => event.type === 'invoice.upcoming')?.data.object as Stripe.Invoice;
    expect(upcoming).not.toHaveProperty('id');
    expect(upcoming).toMatchObject({
      object: 'invoice',
      status: 'draft',
      billing_reason: 'upcoming',
      amount_due: 900,
      next_payment_attempt: trialEnd,
    });
    expect(upcoming.lines.data[0]?.period).toEqual({ start: trialEnd, end: addIntervals(trialEnd, 'month', 1) });
    expect([upcoming.period_start, upcoming.period_end]).toEqual([trialing.trial_start, trialEnd]);
    // Another run (another instance) sends nothing more.
    await clock.at(warned.offsetSeconds, () => stack.container.sweepSubscriptions());

    await advance(stack, 2 * DAY + 1);
    const active = await stripe.subscriptions.retrieve(id, { expand: ['latest_invoice'] });
    expect(active.status).toBe('active');
    expect(active.latest_invoice).toMatchObject({ status: 'paid', amount_paid: 900, billing_reason: 'subscription_cycle' });
    await expectEvents(id, customer, {
      'customer.subscription.created': 1,
      'customer.subscription.trial_will_end': 1,
      'invoice.upcoming': 1,
      'customer.subscription.updated': 1,
      'invoice.created': 2,
      'invoice.finalized': 2,
      'invoice.paid': 2,
      'invoice.payment_succeeded': 2,
      'charge.succeeded': 1,
    });
    expect(updatedEvents(id)[0]?.data.previous_attributes).toMatchObject({ status: 'trialing' });
  });
});
