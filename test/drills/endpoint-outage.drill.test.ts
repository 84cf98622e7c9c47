import type Stripe from 'stripe';
import { DEFAULT_RETRY_SCHEDULE, parseRetrySchedule } from '../../src/webhooks/retry-schedule';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver';
import { startStack, TEST_KEYS, type Stack } from '../helpers/stack';
import { waitUntil } from '../helpers/drill-stack';

/** Simulated time: the production retry schedule, one hour squeezed into one second. */
const SCALE = 3600;
const SCALED_SCHEDULE = parseRetrySchedule(DEFAULT_RETRY_SCHEDULE)
  .map((ms) => `${Math.max(1, Math.round(ms / SCALE))}ms`)
  .join(',');
const simulatedHours = (realMs: number) => (realMs * SCALE) / 3_600_000;

/**
 * Drill: the merchant's endpoint is down for (simulated) hours, then comes back. Everything sent
 * while it was down arrives, each attempt freshly signed, with the default retry schedule.
 */
describe('drill: merchant endpoint down for hours', () => {
  let receiver: MerchantReceiver;
  let stack: Stack;

  beforeAll(async () => {
    receiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
    stack = await startStack({
      env: { WEBHOOK_ENDPOINTS: receiver.url, STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook, WEBHOOK_RETRY_SCHEDULE: SCALED_SCHEDULE },
    });
  });
  afterAll(async () => {
    await stack.close();
    await receiver.close();
  });

  it('delivers every event once the endpoint is back', async () => {
    const stripe = stack.stripe();
    receiver.setDown(true);
    const downSince = Date.now();
    const sessions: Stripe.Checkout.Session[] = [];
    for (let i = 0; i < 15; i++) {
      const session = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: 'price_mug', quantity: 1 }],
        metadata: { n: String(i) },
      });
      sessions.push(session);
      await stack.loops.admin('POST', `/_emulator/sessions/${session.id}/complete`);
    }
    // Six simulated hours of failed attempts.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    const failedWhileDown = receiver.received.length;
    receiver.setDown(false);
    const backAt = Date.now();
    const ids = new Set(sessions.map((s) => s.id));
    const deliveredSessions = () =>
      new Set(
        receiver
          .accepted()
          .filter((e) => e.type === 'checkout.session.completed')
          .map((e) => (e.data.object as { id: string }).id),
      );
    const waited = await waitUntil(
      'all deliveries after the endpoint returned',
      async () => [...ids].every((id) => deliveredSessions().has(id)),
      30_000,
    );

    const attempts = receiver.received.filter((r) => r.event?.type === 'checkout.session.completed');
    const report = {
      drill: 'endpoint-outage',
      injected: `merchant endpoint answering 500 for ${simulatedHours(backAt - downSince).toFixed(1)} simulated hours (retry schedule scaled 1:${SCALE})`,
      events: ids.size,
      attemptsWhileDown: failedWhileDown,
      delivered: deliveredSessions().size,
      lost: [...ids].filter((id) => !deliveredSessions().has(id)).length,
      allAttemptsVerified: attempts.every((a) => a.verified),
      simulatedHoursUntilAllDelivered: Number(simulatedHours(backAt - downSince + waited).toFixed(1)),
      failedForGood: (await stack.container.queue.failed(100)).length,
    };
    console.log(JSON.stringify(report));
    expect(report.lost).toBe(0);
    expect(report.attemptsWhileDown).toBeGreaterThan(ids.size * 3);
    expect(report.allAttemptsVerified).toBe(true);
    expect(report.failedForGood).toBe(0);
    // Each attempt carried its own timestamp: the last one is recent, not the first attempt's.
    const lastAttempt = attempts[attempts.length - 1];
    const t = Number(/t=(\d+)/.exec(lastAttempt?.signature ?? '')?.[1]);
    expect(t).toBeGreaterThanOrEqual(Math.floor(backAt / 1000) - 1);
  }, 60_000);
});
