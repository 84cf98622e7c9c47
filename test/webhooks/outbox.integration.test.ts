import { startMerchantReceiver } from '../helpers/merchant-receiver';
import { startStack, TEST_KEYS } from '../helpers/stack';
import { waitFor } from '../helpers/wait-for';

/**
 * The outbox (docs/webhooks.md, "Outgoing"): an event is recorded with its place in the outbox, and
 * if queueing its deliveries then fails, the drainer queues it once it is older than the grace.
 */
describe('the outbox drainer', () => {
  it('delivers an event whose deliveries could not be queued when it was recorded', async () => {
    const receiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
    let offsetMs = 0;
    const stack = await startStack({
      env: { WEBHOOK_ENDPOINTS: receiver.url, STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook },
      now: () => Date.now() + offsetMs,
    });
    try {
      const queue = stack.container.queue;
      const enqueue = queue.enqueue.bind(queue);
      let failures = 1;
      queue.enqueue = async (jobs, replayOf) => {
        if (failures > 0) {
          failures -= 1;
          throw new Error('injected: the queue is unavailable');
        }
        return enqueue(jobs, replayOf);
      };
      const stripe = stack.stripe();
      const session = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }] });
      // The request succeeds: the event is durably recorded, only its queueing failed.
      await stripe.checkout.sessions.expire(session.id);
      expect(failures).toBe(0);
      const [event] = (await stripe.events.list({ type: 'checkout.session.expired', limit: 1 })).data;
      if (!event) throw new Error('no event recorded');
      const inOutbox = async () => (await stack.container.stores.events.outbox('default', Date.now() + offsetMs, 10)).includes(event.id);
      expect(await inOutbox()).toBe(true);

      // Within the grace the drainer leaves it to its publisher, which may still be queueing it.
      await stack.container.drainOutbox();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.accepted().filter((e) => e.id === event.id)).toHaveLength(0);

      // Past the grace, a drain (this one, or the periodic one of any instance) queues it.
      offsetMs += 11_000;
      await stack.container.drainOutbox();
      await receiver.waitFor((accepted) => accepted.some((e) => e.id === event.id));
      await waitFor(async () => !(await inOutbox()), 5000, 'the event to leave the outbox');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.accepted().filter((e) => e.id === event.id)).toHaveLength(1);
    } finally {
      await stack.close();
      await receiver.close();
    }
  });
});
