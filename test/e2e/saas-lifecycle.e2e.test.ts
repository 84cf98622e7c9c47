import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import Stripe from 'stripe';
import { addIntervals } from '../../src/translate/billing-period';
import { advance, countTypes, DAY, emulatorNow, flushLoops } from '../helpers/billing';
import { launchChromium } from '../helpers/chromium';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver';
import { startStack, TEST_KEYS, type Stack } from '../helpers/stack';
import { waitFor } from '../helpers/wait-for';

const OLD = '2024-06-20';

/** What a subscription says about its state, in an event or through the API. */
function subscriptionView(object: Stripe.Subscription) {
  const item = object.items.data[0];
  return {
    status: object.status,
    cancel_at: object.cancel_at,
    cancel_at_period_end: object.cancel_at_period_end,
    canceled_at: object.canceled_at,
    ended_at: object.ended_at,
    latest_invoice: object.latest_invoice,
    metadata: object.metadata,
    period: [item?.current_period_start, item?.current_period_end],
    quantity: item?.quantity,
  };
}

/** How far an invoice has got (docs/stripe-billing-contract.md §8.1): the API may be further along than an event's snapshot, never behind it. */
const INVOICE_PROGRESS: Record<string, number> = { draft: 0, open: 1, paid: 2 };

/**
 * A SaaS app written as it would be for Stripe, on the gateway + Loops emulator + Redis (issue 12;
 * docs/stripe-billing-contract.md §6, §8, §10.1, §11): it seeds its catalog by API, creates a customer,
 * sends them to a subscription checkout with a 14-day trial (paid in headless Chromium on Loops'
 * page), reads the session back with `expand: ['customer', 'subscription']`, sends them to the
 * billing portal (cancel at period end, in Chromium), resumes through the API, and lives through
 * the trial's end, a declined renewal and its recovery (the emulator's test clock), until it
 * cancels now. Its webhook handler verifies every delivery with `stripe.webhooks.constructEvent`
 * and reads the API before answering, as many handlers do: the API must already show what each
 * event announces.
 */
describe('a SaaS app on the gateway: the subscription life cycle end to end', () => {
  let stack: Stack;
  let stripe: Stripe;
  let receiver: MerchantReceiver;
  let browser: Browser;
  let app: Server;
  let appUrl: string;
  /** What the app's welcome page read (`checkout.sessions.retrieve` with expand). */
  let welcomed: Stripe.Checkout.Session | undefined;
  /** Per delivered event: what it said and what the API said when it arrived. */
  const handled: { id: string; type: string; event: unknown; api: unknown }[] = [];
  /** Filled by the first test, read by the second. */
  const flow = { customer: '', price: '', product: '', session: '', subscription: '', metadata: {} as Record<string, string> };

  /** The handler's own check: read the object the event is about, as the app would before acting on it. */
  async function readApiFor(event: Stripe.Event): Promise<void> {
    const object = event.data.object as { object: string; id: string };
    if (object.object === 'subscription') {
      const api = await stripe.subscriptions.retrieve(object.id);
      handled.push({ id: event.id, type: event.type, event: subscriptionView(object as Stripe.Subscription), api: subscriptionView(api) });
    } else if (object.object === 'invoice') {
      const sent = object as Stripe.Invoice;
      const api = await stripe.invoices.retrieve(object.id);
      const behind = (INVOICE_PROGRESS[api.status ?? ''] ?? -1) < (INVOICE_PROGRESS[sent.status ?? ''] ?? 0);
      handled.push({
        id: event.id,
        type: event.type,
        event: { amount_due: sent.amount_due, attempt_count: sent.attempt_count, behind: false },
        api: { amount_due: api.amount_due, attempt_count: Math.min(api.attempt_count, sent.attempt_count), behind },
      });
    } else if (object.object === 'checkout.session') {
      const api = await stripe.checkout.sessions.retrieve(object.id);
      const sent = object as Stripe.Checkout.Session;
      handled.push({
        id: event.id,
        type: event.type,
        event: [sent.status, sent.subscription, sent.invoice],
        api: [api.status, api.subscription, api.invoice],
      });
    }
  }

  beforeAll(async () => {
    receiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook, { onEvent: readApiFor });
    // No mapped catalog: the app makes its own through the API.
    stack = await startStack({
      catalog: [],
      env: { WEBHOOK_ENDPOINTS: receiver.url, STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook },
      emulator: { webhookRetryDelaysMs: [100, 200, 400] },
    });
    stripe = stack.stripe({ maxNetworkRetries: 0 });
    // The app's pages Loops sends the customer back to.
    app = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://app');
      const page = (status: number, html: string) => res.writeHead(status, { 'content-type': 'text/html' }).end(html);
      if (url.pathname === '/welcome') {
        stripe.checkout.sessions
          .retrieve(url.searchParams.get('session_id') ?? '', { expand: ['customer', 'subscription'] })
          .then((session) => {
            welcomed = session;
            const customer = session.customer as Stripe.Customer;
            const subscription = session.subscription as Stripe.Subscription;
            page(200, `<h1 id="welcome">Welcome, ${customer.name}</h1><p id="plan-status">${subscription.status}</p>`);
          })
          .catch((error: Error) => page(500, `<pre id="error">${error.message}</pre>`));
      } else page(200, `<h1 id="page">${url.pathname}</h1>`);
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const address = app.address();
    appUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await receiver?.close();
    await new Promise((resolve) => app?.close(resolve));
  }, 60_000);

  /**
   * Every event the gateway recorded has reached the merchant: Loops' webhooks so far have had
   * their first attempt (each is stored with its events before the gateway answers it), and no
   * event of the events API still waits for the endpoint. Then nothing more is on its way, so a
   * duplicate would already be here.
   */
  async function allDelivered(): Promise<Stripe.Event[]> {
    await flushLoops(stack);
    let events: Stripe.Event[] = [];
    await waitFor(
      async () => {
        events = await stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
        return events.every((event) => event.pending_webhooks === 0);
      },
      20_000,
      'every recorded event to be delivered',
    );
    return events;
  }

  /** The verified events accepted since `mark` (a count of deliveries), once all are delivered, counted by type. */
  async function stepEvents(mark: number, expected: Record<string, number>): Promise<Stripe.Event[]> {
    await allDelivered();
    const events = receiver.accepted().slice(mark);
    expect(countTypes(events)).toEqual(expected);
    return events;
  }

  const one = (events: Stripe.Event[], type: string) => {
    const found = events.filter((event) => event.type === type);
    expect(found).toHaveLength(1);
    return found[0] as Stripe.Event;
  };

  const secondsUntil = async (at: number) => at - (await emulatorNow(stack)).now + 1;

  async function payOnLoopsPage(page: Page, url: string, email: string, name: string): Promise<void> {
    await page.goto(url);
    expect(await page.textContent('body')).toContain('Pro');
    expect(await page.textContent('#trial')).toContain('Free trial for 14 days');
    // The customer's email, from the customer the session names, is prefilled.
    expect(await page.inputValue('#email')).toBe(email);
    await page.fill('#email', email);
    await page.fill('#name', name);
    expect(await page.textContent('#pay')).toBe('Start trial');
    await Promise.all([page.waitForURL(`${appUrl}/welcome**`), page.click('#pay')]);
  }

  it('catalog → customer → trial checkout in Chromium → portal cancel in Chromium → resume → trial end → failed renewal → recovery → cancel now', async () => {
    // 1. The catalog, seeded by API; the pricing page finds the price by its lookup key.
    let mark = receiver.accepted().length;
    const product = await stripe.products.create({ name: 'Pro', description: 'Everything in Pro' });
    const created = await stripe.prices.create({
      product: product.id,
      unit_amount: 1500,
      currency: 'usd',
      recurring: { interval: 'month' },
      lookup_key: 'pro_monthly',
    });
    const [price] = (await stripe.prices.list({ lookup_keys: ['pro_monthly'], expand: ['data.product'] })).data;
    expect(price).toMatchObject({ id: created.id, unit_amount: 1500, recurring: { interval: 'month', interval_count: 1 } });
    expect((price?.product as Stripe.Product).name).toBe('Pro');
    Object.assign(flow, { product: product.id, price: created.id });

    // 2. The customer signs up.
    const customer = await stripe.customers.create({ email: 'grace@example.com', name: 'Grace Hopper', metadata: { account_id: 'acct_42' } });
    flow.customer = customer.id;
    const seeded = await stepEvents(mark, { 'product.created': 1, 'price.created': 1, 'customer.created': 1 });
    expect(one(seeded, 'customer.created').data.object).toMatchObject({ id: customer.id, email: 'grace@example.com' });

    // 3. Subscription checkout with a 14-day trial, paid on Loops' page in Chromium.
    mark = receiver.accepted().length;
    flow.metadata = { plan: 'pro', account_id: 'acct_42' };
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: created.id, quantity: 1 }],
      subscription_data: { trial_period_days: 14, metadata: flow.metadata },
      metadata: { signup_flow: 'pricing-page' },
      success_url: `${appUrl}/welcome?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${appUrl}/pricing`,
    });
    flow.session = session.id;
    expect(session).toMatchObject({ status: 'open', mode: 'subscription', customer: customer.id, subscription: null, invoice: null });
    const page = await browser.newPage();
    await payOnLoopsPage(page, session.url ?? '', 'grace@example.com', 'Grace Hopper');
    expect(await page.textContent('#welcome')).toBe('Welcome, Grace Hopper');
    expect(await page.textContent('#plan-status')).toBe('trialing');

    // 4. What the welcome page read: the session with full customer and subscription objects.
    expect(welcomed).toMatchObject({
      id: session.id,
      status: 'complete',
      payment_status: 'no_payment_required',
      customer_details: { email: 'grace@example.com', name: 'Grace Hopper' },
      metadata: { signup_flow: 'pricing-page' },
      payment_intent: null,
    });
    const fullCustomer = welcomed?.customer as Stripe.Customer;
    expect(fullCustomer).toMatchObject({
      id: customer.id,
      object: 'customer',
      email: 'grace@example.com',
      name: 'Grace Hopper',
      metadata: { account_id: 'acct_42' },
      balance: 0,
      delinquent: false,
    });
    const trialing = welcomed?.subscription as Stripe.Subscription;
    const id = trialing.id;
    flow.subscription = id;
    expect(id).toMatch(/^sub_/);
    expect(trialing).toMatchObject({
      object: 'subscription',
      status: 'trialing',
      customer: customer.id,
      // subscription_data.metadata, not the session's (docs/stripe-billing-contract.md §11).
      metadata: flow.metadata,
      cancel_at: null,
      cancel_at_period_end: false,
      billing_mode: { type: 'flexible' },
      latest_invoice: welcomed?.invoice,
    });
    const trialEnd = trialing.trial_end ?? 0;
    expect(trialEnd - (trialing.trial_start ?? 0)).toBe(14 * DAY);
    const trialItem = trialing.items.data[0];
    expect(trialItem).toMatchObject({ quantity: 1, price: { id: created.id, unit_amount: 1500 }, plan: { id: created.id, amount: 1500 } });
    expect([trialItem?.current_period_start, trialItem?.current_period_end]).toEqual([trialing.trial_start, trialEnd]);
    expect(await stripe.subscriptions.retrieve(id)).toMatchObject({ id, status: 'trialing', trial_end: trialEnd });
    const trialInvoices = await stripe.invoices.list({ subscription: id });
    expect(trialInvoices.data.map((invoice) => [invoice.id, invoice.status, invoice.amount_due, invoice.billing_reason])).toEqual([
      [welcomed?.invoice, 'paid', 0, 'subscription_create'],
    ]);
    expect(trialInvoices.data[0]?.parent?.subscription_details).toMatchObject({ subscription: id, metadata: flow.metadata });

    const checkedOut = await stepEvents(mark, {
      'checkout.session.completed': 1,
      'customer.subscription.created': 1,
      'invoice.created': 1,
      'invoice.finalized': 1,
      'invoice.paid': 1,
      'invoice.payment_succeeded': 1,
    });
    expect(one(checkedOut, 'checkout.session.completed').data.object).toMatchObject({
      id: session.id,
      customer: customer.id,
      subscription: id,
      invoice: welcomed?.invoice,
      payment_status: 'no_payment_required',
    });
    expect(one(checkedOut, 'customer.subscription.created').data.object).toMatchObject({ id, status: 'trialing', metadata: flow.metadata });

    // 5. The billing portal, in Chromium: cancel at period end, then back to the app.
    mark = receiver.accepted().length;
    const portal = await stripe.billingPortal.sessions.create({ customer: customer.id, return_url: `${appUrl}/account` });
    expect(portal).toMatchObject({ object: 'billing_portal.session', customer: customer.id, return_url: `${appUrl}/account` });
    await page.goto(portal.url);
    expect(await page.getAttribute(`[id="${id}"]`, 'data-status')).toBe('trialing');
    await page.click(`#cancel-at-period-end-${id}`);
    await page.waitForSelector(`#resume-${id}`);
    await Promise.all([page.waitForURL(`${appUrl}/account`), page.click('#return')]);
    expect(await page.textContent('#page')).toBe('/account');

    // Flexible billing mode (the default version's, §0.6): the portal's cancellation is `cancel_at`
    // at the period end, with `cancel_at_period_end` left false.
    const scheduled = await stripe.subscriptions.retrieve(id);
    expect(scheduled).toMatchObject({
      status: 'trialing',
      cancel_at: trialEnd,
      cancel_at_period_end: false,
      cancellation_details: { reason: 'cancellation_requested' },
    });
    expect(scheduled.canceled_at).toEqual(expect.any(Number));
    const portalEvents = await stepEvents(mark, { 'billing_portal.session.created': 1, 'customer.subscription.updated': 1 });
    const portalCancel = one(portalEvents, 'customer.subscription.updated');
    expect(portalCancel.data.previous_attributes).toEqual({
      cancel_at: null,
      canceled_at: null,
      cancellation_details: { comment: null, feedback: null, reason: null },
    });
    expect(portalCancel.data.object).toMatchObject({ cancel_at: trialEnd, cancel_at_period_end: false });
    // Loops' portal acted, not the merchant's request.
    expect(portalCancel.request).toEqual({ id: null, idempotency_key: null });

    // 6. The app resumes it through the API (flexible mode: `cancel_at` emptied).
    mark = receiver.accepted().length;
    const resumed = await stripe.subscriptions.update(id, { cancel_at: '' });
    expect(resumed).toMatchObject({ status: 'trialing', cancel_at: null, cancel_at_period_end: false, canceled_at: null });
    expect((await stack.loops.api('GET', `/api/v3/subscriptions/${id}`)).json.cancel_at_period_end).toBe(false);
    const resumeEvents = await stepEvents(mark, { 'customer.subscription.updated': 1 });
    const resume = one(resumeEvents, 'customer.subscription.updated');
    expect(resume.data.previous_attributes).toEqual({
      cancel_at: trialEnd,
      canceled_at: scheduled.canceled_at,
      cancellation_details: { comment: null, feedback: null, reason: 'cancellation_requested' },
    });
    expect(resume.request?.id).toBe(resumed.lastResponse.requestId);

    // 7. The test clock passes the trial's end: the first paid period, trialing → active. (No
    // `customer.subscription.trial_will_end`: the gateway sends it three days ahead by its own
    // clock, which stays on real time while the emulator's jumps; the contract suite moves both.)
    mark = receiver.accepted().length;
    const trialInvoice = trialing.latest_invoice;
    const passed = await advance(stack, await secondsUntil(trialEnd));
    expect(passed.events.map((event) => event.type)).toEqual(expect.arrayContaining(['charge.succeeded', 'subscription.updated']));
    const active = await stripe.subscriptions.retrieve(id, { expand: ['latest_invoice'] });
    const periodEnd = addIntervals(trialEnd, 'month', 1);
    expect(active).toMatchObject({ status: 'active', cancel_at: null, trial_end: trialEnd });
    expect([active.items.data[0]?.current_period_start, active.items.data[0]?.current_period_end]).toEqual([trialEnd, periodEnd]);
    const firstPaid = active.latest_invoice as Stripe.Invoice;
    expect(firstPaid).toMatchObject({ status: 'paid', billing_reason: 'subscription_cycle', amount_paid: 1500 });
    expect(firstPaid.status_transitions.paid_at).toBe(trialEnd);
    expect(firstPaid.lines.data[0]?.period).toEqual({ start: trialEnd, end: periodEnd });
    const afterTrial = await stripe.invoices.list({ subscription: id });
    expect(afterTrial.data.map((invoice) => [invoice.id, invoice.status, invoice.amount_paid])).toEqual([
      [firstPaid.id, 'paid', 1500],
      [trialInvoice, 'paid', 0],
    ]);
    const trialEndEvents = await stepEvents(mark, {
      'charge.succeeded': 1,
      'invoice.created': 1,
      'invoice.finalized': 1,
      'invoice.paid': 1,
      'invoice.payment_succeeded': 1,
      'customer.subscription.updated': 1,
    });
    const converted = one(trialEndEvents, 'customer.subscription.updated');
    expect(converted.data.previous_attributes).toMatchObject({ status: 'trialing', latest_invoice: trialInvoice });
    expect(Object.keys(converted.data.previous_attributes ?? {}).sort()).toEqual(['items', 'latest_invoice', 'status']);
    expect(one(trialEndEvents, 'invoice.paid').data.object).toMatchObject({ id: firstPaid.id, status: 'paid', amount_paid: 1500 });
    expect(one(trialEndEvents, 'charge.succeeded').data.object).toMatchObject({ amount: 1500, customer: customer.id, status: 'succeeded' });

    // 8. A declined renewal: invoice.payment_failed, past_due.
    mark = receiver.accepted().length;
    expect((await stack.loops.admin('POST', `/_emulator/subscriptions/${id}/fail-next-charge`, { message: 'Your card was declined.' })).status).toBe(
      200,
    );
    await advance(stack, await secondsUntil(periodEnd));
    const pastDue = await stripe.subscriptions.retrieve(id, { expand: ['latest_invoice'] });
    expect(pastDue.status).toBe('past_due');
    const open = pastDue.latest_invoice as Stripe.Invoice;
    expect(open).toMatchObject({
      status: 'open',
      billing_reason: 'subscription_cycle',
      attempt_count: 1,
      amount_paid: 0,
      amount_remaining: 1500,
      next_payment_attempt: periodEnd + DAY,
    });
    expect(open.lines.data[0]?.period).toEqual({ start: periodEnd, end: addIntervals(trialEnd, 'month', 2) });
    // The same invoice in 2024-06-20's shape: `subscription` and `paid: false`.
    expect(await stripe.invoices.retrieve(open.id ?? '', {}, { apiVersion: OLD })).toMatchObject({ subscription: id, paid: false, attempt_count: 1 });
    const failedEvents = await stepEvents(mark, {
      'charge.failed': 1,
      'invoice.created': 1,
      'invoice.finalized': 1,
      'invoice.payment_failed': 1,
      'customer.subscription.updated': 1,
    });
    expect(one(failedEvents, 'invoice.payment_failed').data.object).toMatchObject({ id: open.id, status: 'open', attempt_count: 1 });
    expect(one(failedEvents, 'charge.failed').data.object).toMatchObject({
      status: 'failed',
      paid: false,
      failure_message: 'Your card was declined.',
      customer: customer.id,
    });
    expect(one(failedEvents, 'customer.subscription.updated').data.previous_attributes).toMatchObject({ status: 'active' });

    // 9. A day later Loops' retry succeeds: active again, the same invoice paid.
    mark = receiver.accepted().length;
    await advance(stack, DAY);
    const recovered = await stripe.subscriptions.retrieve(id);
    expect(recovered).toMatchObject({ status: 'active', latest_invoice: open.id });
    expect([recovered.items.data[0]?.current_period_start, recovered.items.data[0]?.current_period_end]).toEqual([
      periodEnd,
      addIntervals(trialEnd, 'month', 2),
    ]);
    const repaid = await stripe.invoices.retrieve(open.id ?? '');
    expect(repaid).toMatchObject({ status: 'paid', attempt_count: 2, amount_paid: 1500, next_payment_attempt: null });
    // Paid when Loops' retry charged (a day after the period end, on Loops' clock), not when the gateway read it.
    expect(repaid.status_transitions.paid_at).toBe(periodEnd + DAY);
    const recoveryEvents = await stepEvents(mark, {
      'charge.succeeded': 1,
      'invoice.paid': 1,
      'invoice.payment_succeeded': 1,
      'customer.subscription.updated': 1,
    });
    expect(one(recoveryEvents, 'invoice.paid').data.object).toMatchObject({ id: open.id, status: 'paid', attempt_count: 2 });
    expect(one(recoveryEvents, 'customer.subscription.updated').data.previous_attributes).toMatchObject({ status: 'past_due' });
    expect((await stripe.invoices.list({ subscription: id })).data.map((invoice) => [invoice.status, invoice.amount_paid])).toEqual([
      ['paid', 1500],
      ['paid', 1500],
      ['paid', 0],
    ]);

    // 10. The app cancels now: customer.subscription.deleted, carrying its request.
    mark = receiver.accepted().length;
    const canceled = await stripe.subscriptions.cancel(id);
    expect(canceled).toMatchObject({
      status: 'canceled',
      cancel_at: null,
      cancel_at_period_end: false,
      cancellation_details: { reason: 'cancellation_requested' },
    });
    expect(canceled.ended_at).toBe(canceled.canceled_at);
    expect((await stack.loops.api('GET', `/api/v3/subscriptions/${id}`)).json.status).toBe('canceled');
    const deleted = one(await stepEvents(mark, { 'customer.subscription.deleted': 1 }), 'customer.subscription.deleted');
    expect(deleted.data.object).toMatchObject({ id, status: 'canceled', ended_at: canceled.ended_at });
    expect(deleted.request?.id).toBe(canceled.lastResponse.requestId);
    expect((await stripe.subscriptions.list({ customer: customer.id })).data).toEqual([]);
    expect((await stripe.subscriptions.list({ customer: customer.id, status: 'canceled' })).data.map((s) => s.id)).toEqual([id]);

    // The whole flow: every delivery verified; each recorded event delivered once; one event per change.
    const recorded = await allDelivered();
    expect(receiver.received.filter((r) => !r.verified || r.answered !== 200).map((r) => r.error)).toEqual([]);
    const accepted = receiver.accepted();
    expect(new Set(accepted.map((event) => event.id)).size).toBe(accepted.length);
    expect(accepted.map((event) => event.id).sort()).toEqual(recorded.map((event) => event.id).sort());
    const meanings = accepted.map((event) => {
      const object = event.data.object as { id: string; attempt_count?: number };
      return JSON.stringify([event.type, object.id, object.attempt_count, event.data.previous_attributes]);
    });
    expect(new Set(meanings).size).toBe(meanings.length);
    // The handler saw, for every event about these objects, an API already showing its state.
    expect(handled.map(({ type }) => type).sort()).toEqual(
      accepted
        .filter((event) => ['subscription', 'invoice', 'checkout.session'].includes((event.data.object as { object: string }).object))
        .map((event) => event.type)
        .sort(),
    );
    for (const seen of handled)
      expect({ id: seen.id, type: seen.type, state: seen.api }).toEqual({ id: seen.id, type: seen.type, state: seen.event });
    await page.close();
  }, 120_000);

  it('the same subscription and invoices read with Stripe-Version 2024-06-20 show the older shapes; the current version the newer ones', async () => {
    const id = flow.subscription;
    expect(id).toMatch(/^sub_/);
    const current = await stripe.subscriptions.retrieve(id);
    const item = current.items.data[0];
    expect('current_period_start' in current || 'current_period_end' in current).toBe(false);
    expect(item?.current_period_start).toEqual(expect.any(Number));

    const old = (await stripe.subscriptions.retrieve(id, {}, { apiVersion: OLD })) as unknown as Stripe.Subscription & {
      current_period_start: number;
      current_period_end: number;
      discount: null;
    };
    expect([old.current_period_start, old.current_period_end]).toEqual([item?.current_period_start, item?.current_period_end]);
    expect(old.discount).toBeNull();
    expect(old.items.data[0]).toMatchObject({ current_period_end: item?.current_period_end, price: { id: flow.price }, plan: { id: flow.price } });

    type OldInvoice = Stripe.Invoice & {
      subscription: string;
      paid: boolean;
      subscription_details: { metadata: Record<string, string> };
      lines: { data: Record<string, unknown>[] };
    };
    const oldInvoices = (await stripe.invoices.list({ subscription: id }, { apiVersion: OLD })).data as unknown as OldInvoice[];
    expect(oldInvoices.map((invoice) => [invoice.subscription, invoice.paid, invoice.amount_paid, invoice.billing_reason])).toEqual([
      [id, true, 1500, 'subscription_cycle'],
      [id, true, 1500, 'subscription_cycle'],
      [id, true, 0, 'subscription_create'],
    ]);
    for (const invoice of oldInvoices) {
      expect(invoice.subscription_details.metadata).toEqual(flow.metadata);
      expect(invoice.lines.data[0]).toMatchObject({
        type: 'subscription',
        price: { id: flow.price, product: flow.product },
        plan: { id: flow.price, amount: 1500 },
      });
    }

    const invoices = (await stripe.invoices.list({ subscription: id })).data;
    expect(invoices.map((invoice) => invoice.id)).toEqual(oldInvoices.map((invoice) => invoice.id));
    for (const invoice of invoices) {
      expect(invoice.parent).toMatchObject({ type: 'subscription_details', subscription_details: { subscription: id, metadata: flow.metadata } });
      expect(['subscription', 'paid', 'charge', 'payment_intent'].filter((field) => field in invoice)).toEqual([]);
      expect(invoice.status_transitions.paid_at).toBeGreaterThanOrEqual(invoice.created);
      const line = invoice.lines.data[0];
      expect(line?.pricing?.price_details?.price).toBe(flow.price);
      expect(['price', 'plan', 'type'].filter((field) => field in (line ?? {}))).toEqual([]);
    }

    // The session read back with the subscription expanded, in each version's shape.
    const oldSession = await stripe.checkout.sessions.retrieve(flow.session, { expand: ['subscription'] }, { apiVersion: OLD });
    expect(oldSession.subscription).toMatchObject({ id, current_period_end: old.current_period_end });
    const session = await stripe.checkout.sessions.retrieve(flow.session, { expand: ['customer', 'subscription'] });
    expect('current_period_end' in (session.subscription as Stripe.Subscription)).toBe(false);
    expect(session.customer).toMatchObject({ id: flow.customer, object: 'customer' });
  });
});
