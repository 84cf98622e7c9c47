import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { addIntervals } from '../../src/translate/billing-period';
import {
  advance,
  countTypes,
  DAY,
  expectEventCounts,
  emulatorNow,
  eventsAbout,
  flushLoops,
  movableClock,
  subscribeThroughGateway,
} from '../helpers/billing';
import { startLoopsWebhookCapture, type CapturedLoopsWebhook } from '../helpers/loops-webhook-capture';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver';
import { startStack, TEST_KEYS, type Stack } from '../helpers/stack';

/**
 * Loops' subscription webhooks (docs/loops-contract.md §8.4) lost, repeated and out of order (issue 12
 * "Tests: faults"). The gateway converges on Loops' state through its own reads (the subscription
 * sweep, retrieves), and announces each change it sees exactly once, however often and in
 * whatever order Loops reports it.
 */
describe('subscription webhooks: lost, duplicated, out of order', () => {
  let receiver: MerchantReceiver;
  let stack: Stack;
  let stripe: Stripe;
  const clock = movableClock();

  beforeAll(async () => {
    receiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
  });
  beforeEach(async () => {
    stack = await startStack({
      env: { WEBHOOK_ENDPOINTS: receiver.url, STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook },
      emulator: { webhookRetryDelaysMs: [] },
      now: clock.now,
    });
    stripe = stack.stripe({ maxNetworkRetries: 0 });
  });
  afterEach(() => stack?.close());
  afterAll(() => receiver?.close());

  const expectEvents = (id: string, customer: string, counts: Record<string, number>) => expectEventCounts(receiver, id, customer, counts);
  /** Runs the gateway's sweep at the emulator's time (its due times are Loops' times). */
  const sweepAtLoopsTime = async () => clock.at((await emulatorNow(stack)).offsetSeconds, () => stack.container.sweepSubscriptions());

  it('every webhook lost: the sweep finds the subscription, then its renewals, failure and recovery', async () => {
    await stack.loops.admin('PUT', '/_emulator/webhooks', { targets: [] });
    const customer = (await stripe.customers.create({ email: 'faults.lost@example.com' })).id;
    const { subscription: id } = await subscribeThroughGateway(stack, stripe, { customer });
    // Found by the sweep's look at Loops' newest subscriptions, with no webhook and no read.
    await sweepAtLoopsTime();
    await expectEvents(id, customer, {
      'customer.subscription.created': 1,
      'invoice.created': 1,
      'invoice.finalized': 1,
      'invoice.paid': 1,
      'invoice.payment_succeeded': 1,
    });

    const start = (await stack.loops.api('GET', `/api/v3/subscriptions/${id}`)).json;
    const end = start.current_period_end as number;
    await stack.loops.admin('POST', `/_emulator/subscriptions/${id}/fail-next-charge`, {});
    await advance(stack, end - (await emulatorNow(stack)).now + 120);
    expect(await sweepAtLoopsTime()).toBeGreaterThan(0);
    await expectEvents(id, customer, {
      'customer.subscription.created': 1,
      'customer.subscription.updated': 1,
      'invoice.created': 2,
      'invoice.finalized': 2,
      'invoice.paid': 1,
      'invoice.payment_succeeded': 1,
      'invoice.payment_failed': 1,
    });
    // A sweep before the retry is due sends nothing.
    await sweepAtLoopsTime();

    await advance(stack, DAY);
    await sweepAtLoopsTime();
    await expectEvents(id, customer, {
      'customer.subscription.created': 1,
      'customer.subscription.updated': 2,
      'invoice.created': 2,
      'invoice.finalized': 2,
      'invoice.paid': 2,
      'invoice.payment_succeeded': 2,
      'invoice.payment_failed': 1,
    });
    const recovered = await stripe.subscriptions.retrieve(id);
    expect(recovered).toMatchObject({ status: 'active', items: { data: [expect.objectContaining({ current_period_start: end })] } });

    // Three renewals while nobody looked: one sweep invoices each of them.
    const now = (await emulatorNow(stack)).now;
    const third = addIntervals(end, 'month', 3);
    await advance(stack, third - now + 120);
    await sweepAtLoopsTime();
    const invoices = await stripe.invoices.list({ subscription: id, limit: 100 });
    expect(invoices.data.map((invoice) => invoice.lines.data[0]?.period.start)).toEqual([
      third,
      addIntervals(end, 'month', 2),
      addIntervals(end, 'month', 1),
      end,
      start.current_period_start,
    ]);
    expect(invoices.data.every((invoice) => invoice.status === 'paid')).toBe(true);
    await expectEvents(id, customer, {
      'customer.subscription.created': 1,
      'customer.subscription.updated': 3,
      'invoice.created': 5,
      'invoice.finalized': 5,
      'invoice.paid': 5,
      'invoice.payment_succeeded': 5,
      'invoice.payment_failed': 1,
    });
  });

  it('a retrieve alone converges too: the read shows the new state and its events go out', async () => {
    await stack.loops.admin('PUT', '/_emulator/webhooks', { targets: [] });
    const customer = (await stripe.customers.create({ email: 'faults.read@example.com' })).id;
    const { subscription: id } = await subscribeThroughGateway(stack, stripe, { customer });
    const first = await stripe.subscriptions.retrieve(id);
    const end = first.items.data[0]?.current_period_end ?? 0;
    await stack.loops.api('PUT', `/api/v3/subscriptions/${id}`, { cancel_at_period_end: true });
    expect(await stripe.subscriptions.retrieve(id)).toMatchObject({ cancel_at: end, cancel_at_period_end: false, status: 'active' });
    await advance(stack, end - (await emulatorNow(stack)).now + 1);
    expect(await stripe.subscriptions.retrieve(id)).toMatchObject({ status: 'canceled', ended_at: end });
    await expectEvents(id, customer, {
      'customer.subscription.created': 1,
      'customer.subscription.updated': 1,
      'customer.subscription.deleted': 1,
      'invoice.created': 1,
      'invoice.finalized': 1,
      'invoice.paid': 1,
      'invoice.payment_succeeded': 1,
    });
  });

  it('duplicated and out of order, all at once: one event per change, and the state is Loops’ latest', async () => {
    const capture = await startLoopsWebhookCapture();
    try {
      await stack.loops.admin('PUT', '/_emulator/webhooks', { targets: [{ url: capture.url, secret: TEST_KEYS.loopsWebhook }] });
      const customer = (await stripe.customers.create({ email: 'faults.storm@example.com' })).id;
      const { subscription: id } = await subscribeThroughGateway(stack, stripe, { customer });
      const end = (await stack.loops.api('GET', `/api/v3/subscriptions/${id}`)).json.current_period_end as number;
      await stack.loops.admin('POST', `/_emulator/subscriptions/${id}/fail-next-charge`, {});
      await advance(stack, end - (await emulatorNow(stack)).now + 1);
      await advance(stack, DAY);
      await flushLoops(stack);
      const sent = capture.captured.slice();
      expect(sent.map((webhook) => webhook.type).sort()).toEqual(
        [
          'checkout.session.completed',
          'charge.succeeded',
          'subscription.created',
          'charge.failed',
          'subscription.updated',
          'charge.succeeded',
          'subscription.updated',
        ].sort(),
      );

      // Newest first, each twice as sent (a duplicate id) and once more under a new id (Loops
      // resending after losing its record of the first delivery), all concurrently.
      const storm = [...sent].reverse().flatMap((webhook, i) => [webhook, webhook, resent(webhook, `evt_storm_${i}`)]);
      const answers = await Promise.all(storm.map((webhook) => capture.forward(webhook, stack.url)));
      expect(answers.every((answer) => answer.status === 200)).toBe(true);

      const expected = {
        'customer.subscription.created': 1,
        'invoice.created': 2,
        'invoice.finalized': 2,
        'invoice.paid': 2,
        'invoice.payment_succeeded': 2,
        // The failure and its recovery both happened before the gateway heard of the subscription:
        // the state it converges on is the recovered one.
        'customer.subscription.updated': 0,
        'charge.succeeded': 2,
        'charge.failed': 1,
      };
      const counts = Object.fromEntries(Object.entries(expected).filter(([, count]) => count > 0));
      await expectEvents(id, customer, counts);
      const loops = (await stack.loops.api('GET', `/api/v3/subscriptions/${id}`)).json;
      const gateway = await stripe.subscriptions.retrieve(id);
      expect(gateway).toMatchObject({
        status: loops.status,
        items: { data: [expect.objectContaining({ current_period_start: loops.current_period_start })] },
      });

      // Everything again, in order this time: nothing more is announced.
      for (const webhook of sent) await capture.forward(resent(webhook, `evt_again_${webhook.type}_${Math.random()}`), stack.url);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(countTypes(eventsAbout(receiver, id, customer))).toEqual(counts);
      const events = await stripe.events.list({ limit: 100 });
      expect(new Set(events.data.map((event) => event.id)).size).toBe(events.data.length);
    } finally {
      await capture.close();
    }
  });
});

/** The same Loops event under another id, signed afresh (so the gateway's id dedupe does not catch it). */
function resent(webhook: CapturedLoopsWebhook, id: string): CapturedLoopsWebhook {
  const event = JSON.parse(webhook.raw.toString('utf8')) as Record<string, unknown>;
  const raw = Buffer.from(JSON.stringify({ ...event, id }));
  const t = Math.floor(Date.now() / 1000);
  const signature = `t=${t},v1=${createHmac('sha256', TEST_KEYS.loopsWebhook)
    .update(`${t}.${raw.toString('utf8')}`)
    .digest('hex')}`;
  return { ...webhook, raw, headers: { ...webhook.headers, 'x-loops-signature': signature } };
}
