import type Stripe from 'stripe';
import { DEFAULT_RETRY_SCHEDULE, parseRetrySchedule } from '../../src/webhooks/retry-schedule';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver';
import { TEST_KEYS, useStack } from '../helpers/stack';
import { waitUntil } from '../helpers/drill-stack';

/**
 * Not a simulated clock: every clock here is real. The production retry schedule is sped up 1:3600
 * (each delay divided by 3600, so one hour of it passes in one real second) through
 * WEBHOOK_RETRY_SCHEDULE, and the drill runs for real seconds.
 */
const SCALE = 3600;
const SCALED_SCHEDULE = parseRetrySchedule(DEFAULT_RETRY_SCHEDULE)
  .map((ms) => `${Math.max(1, Math.round(ms / SCALE))}ms`)
  .join(',');
/** How far into the production schedule `realMs` of the sped-up one reaches, in hours. */
const scheduleHours = (realMs: number) => (realMs * SCALE) / 3_600_000;

/**
 * Drill: the merchant's endpoint is down for what the production retry schedule, sped up 1:3600,
 * spends hours on; then it comes back. Everything sent while it was down arrives, each attempt
 * freshly signed (its timestamp is the real time of the attempt, since the clocks are real).
 * What this does not exercise: anything measured on a clock across those hours (Redis TTLs, a
 * receiver's 300 s signature tolerance for an attempt made hours after the event), which a
 * simulated clock would.
 */
describe('drill: merchant endpoint down for hours', () => {
  let receiver: MerchantReceiver;

  beforeAll(async () => {
    receiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
  });
  const stack = useStack(() => ({
    env: { WEBHOOK_ENDPOINTS: receiver.url, STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook, WEBHOOK_RETRY_SCHEDULE: SCALED_SCHEDULE },
  }));
  afterAll(async () => {
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
    // Six real seconds: six hours' worth of the sped-up schedule's attempts.
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
      injected: `merchant endpoint answering 500 for ${((backAt - downSince) / 1000).toFixed(1)} s real time, with the production retry schedule sped up 1:${SCALE} (real clocks, not a simulated one): ${scheduleHours(backAt - downSince).toFixed(1)} h of that schedule`,
      events: ids.size,
      attemptsWhileDown: failedWhileDown,
      delivered: deliveredSessions().size,
      lost: [...ids].filter((id) => !deliveredSessions().has(id)).length,
      allAttemptsVerified: attempts.every((a) => a.verified),
      scheduleHoursUntilAllDelivered: Number(scheduleHours(backAt - downSince + waited).toFixed(1)),
      realSecondsUntilAllDelivered: Number(((backAt - downSince + waited) / 1000).toFixed(1)),
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
