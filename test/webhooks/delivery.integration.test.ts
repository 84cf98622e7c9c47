import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Stripe from 'stripe';
import { Agent } from 'undici';
import { createLogger } from '../../src/observability/logger';
import { deliverOnce } from '../../src/webhooks/deliver';
import { waitFor } from '../helpers/wait-for';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver';
import { startStack, TEST_KEYS, useStack } from '../helpers/stack';

const run = promisify(execFile);

/** BullMQ delivery: retries with a fresh signature per attempt, exhausted retries, replay. */
describe('webhook delivery', () => {
  let receiver: MerchantReceiver;
  let stripe: Stripe;

  beforeAll(async () => {
    receiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
  });
  const stack = useStack(() => ({
    env: { WEBHOOK_ENDPOINTS: receiver.url, STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook, WEBHOOK_RETRY_SCHEDULE: '1100ms,1100ms,1100ms' },
  }));
  beforeAll(() => {
    stripe = stack.stripe();
  });
  afterAll(async () => {
    await receiver.close();
  });

  const expireNewSession = async () => {
    const session = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }] });
    await stripe.checkout.sessions.expire(session.id);
    const events = await stripe.events.list({ type: 'checkout.session.expired', limit: 100 });
    const event = events.data.find((e) => (e.data.object as { id: string }).id === session.id);
    if (!event) throw new Error('no event recorded');
    return event;
  };
  const attemptsOf = (eventId: string) => receiver.received.filter((r) => r.event?.id === eventId);

  it('retries a failing endpoint; every attempt is signed afresh and verifies', async () => {
    receiver.failFirst(2);
    const event = await expireNewSession();
    expect(event.pending_webhooks).toBe(1);
    await receiver.waitFor((accepted) => accepted.some((e) => e.id === event.id), 15_000);
    const attempts = attemptsOf(event.id);
    expect(attempts.map((a) => a.answered)).toEqual([500, 500, 200]);
    expect(attempts.every((a) => a.verified)).toBe(true);
    const timestamps = attempts.map((a) => Number(/t=(\d+)/.exec(a.signature)?.[1]));
    expect(timestamps[2]).toBeGreaterThan(timestamps[0] ?? Infinity);
    // The endpoint's 200 is recorded once the gateway has read it, moments after the receiver answered.
    const pending = async () => (await stripe.events.retrieve(event.id)).pending_webhooks;
    await waitFor(async () => (await pending()) === 0, 5_000, 'pending_webhooks to reach 0');
    expect(await pending()).toBe(0);
  });

  it('keeps a delivery that used up its retries as failed, and the CLI lists and replays it', async () => {
    receiver.setDown(true);
    const event = await expireNewSession();
    const deadline = Date.now() + 15_000;
    while (!(await stack.container.queue.failed(100)).some((f) => f.eventId === event.id)) {
      if (Date.now() > deadline) throw new Error('delivery never failed for good');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(attemptsOf(event.id)).toHaveLength(4);
    expect((await stripe.events.list({ delivery_success: false, limit: 100 })).data.map((e) => e.id)).toContain(event.id);

    const cli = (...args: string[]) =>
      run('npx', ['tsx', 'src/cli/webhooks.ts', ...args], { env: { ...process.env, ...stack.env }, timeout: 30_000 });
    const listed = await cli('failed');
    expect(listed.stdout).toContain(event.id);
    expect(listed.stdout).toContain('attempts=4');
    receiver.setDown(false);
    const replayed = await cli('replay', '--all-failed');
    expect(replayed.stdout).toMatch(/replayed [1-9]\d* failed deliveries/);
    await receiver.waitFor((accepted) => accepted.some((e) => e.id === event.id), 10_000);
    expect((await stack.container.queue.failed(100)).some((f) => f.eventId === event.id)).toBe(false);
  });

  it('replays an event its endpoint already has only when forced', async () => {
    const event = await expireNewSession();
    await receiver.waitFor((accepted) => accepted.some((e) => e.id === event.id));
    const cli = (...args: string[]) =>
      run('npx', ['tsx', 'src/cli/webhooks.ts', ...args], { env: { ...process.env, ...stack.env }, timeout: 30_000 });
    expect((await cli('replay', event.id)).stdout).toContain(
      `${event.id} (checkout.session.expired) was delivered to all 1 endpoint(s); nothing to replay`,
    );
    const { stdout } = await cli('replay', event.id, '--force');
    expect(stdout).toContain(`queued ${event.id}`);
    await receiver.waitFor((accepted) => accepted.filter((e) => e.id === event.id).length === 2);
  });
});

describe('two endpoints, one of them down', () => {
  it('counts pending_webhooks per endpoint, and a replay sends only to the endpoint still retrying', async () => {
    const up = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
    const down = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
    const stack = await startStack({
      // The first retry is an hour away: the down endpoint's delivery is still waiting when the operator replays.
      env: { WEBHOOK_ENDPOINTS: `${up.url},${down.url}`, STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook, WEBHOOK_RETRY_SCHEDULE: '1h' },
    });
    const dispatcher = new Agent();
    try {
      const stripe = stack.stripe();
      down.setDown(true);
      const session = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }] });
      await stripe.checkout.sessions.expire(session.id);
      const [event] = (await stripe.events.list({ type: 'checkout.session.expired', limit: 1 })).data;
      if (!event) throw new Error('no event recorded');
      await up.waitFor((accepted) => accepted.some((e) => e.id === event.id));
      await waitFor(() => down.received.some((r) => r.event?.id === event.id), 10_000);
      await waitFor(async () => (await stripe.events.retrieve(event.id)).pending_webhooks === 1, 5000);

      // At least once: the up endpoint answering 2xx to another attempt still counts once.
      const tenant = stack.container.config.tenants.find((t) => t.id === 'default');
      if (!tenant) throw new Error('no default tenant');
      const deps = {
        events: stack.container.stores.events,
        tenants: new Map([['default', tenant]]),
        dispatcher,
        timeoutMs: 5000,
        now: Date.now,
        logger: createLogger('silent'),
      };
      expect(await deliverOnce(deps, { tenantId: 'default', eventId: event.id, endpointUrl: up.url })).toBe('delivered');
      expect((await stripe.events.retrieve(event.id)).pending_webhooks).toBe(1);
      expect((await stripe.events.list({ delivery_success: true, limit: 100 })).data.map((e) => e.id)).not.toContain(event.id);
      expect((await stripe.events.list({ delivery_success: false, limit: 100 })).data.map((e) => e.id)).toContain(event.id);

      // The endpoint is back; the operator replays the event instead of waiting an hour.
      down.setDown(false);
      const { stdout } = await run('npx', ['tsx', 'src/cli/webhooks.ts', 'replay', event.id], {
        env: { ...process.env, ...stack.env },
        timeout: 30_000,
      });
      expect(stdout).toContain('1 delivery(ies) retried now, 0 queued afresh; 1 of 2 endpoint(s) already have it');
      await down.waitFor((accepted) => accepted.some((e) => e.id === event.id));
      await waitFor(async () => (await stripe.events.retrieve(event.id)).pending_webhooks === 0, 5000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      // The up endpoint got nothing more from the replay: its original delivery and the attempt above.
      expect(up.accepted().filter((e) => e.id === event.id)).toHaveLength(2);
      expect(down.accepted().filter((e) => e.id === event.id)).toHaveLength(1);
      expect((await stripe.events.list({ delivery_success: true, limit: 100 })).data.map((e) => e.id)).toContain(event.id);
    } finally {
      await dispatcher.close();
      await stack.close();
      await up.close();
      await down.close();
    }
  });
});

describe('enabled_events', () => {
  it('delivers each event only to the endpoints that enabled its type', async () => {
    const sessions = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
    const charges = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
    const stack = await startStack({
      tenants: [
        {
          id: 'acme',
          apiKeys: ['sk_test_acme_enabled_events_1'],
          webhookSecrets: [TEST_KEYS.stripeWebhook],
          webhookEndpoints: [
            { url: sessions.url, enabledEvents: ['checkout.session.completed'] },
            { url: charges.url, enabledEvents: ['charge.*'] },
          ],
        },
      ],
    });
    try {
      const stripe = stack.stripe({ key: 'sk_test_acme_enabled_events_1' });
      const session = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }] });
      await stack.loops.admin('POST', `/_emulator/sessions/${session.id}/complete`);
      await sessions.waitFor((events) => events.length === 1);
      await charges.waitFor((events) => events.length === 1);
      await stripe.checkout.sessions.retrieve(session.id);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sessions.accepted().map((e) => e.type)).toEqual(['checkout.session.completed']);
      expect(charges.accepted().map((e) => e.type)).toEqual(['charge.succeeded']);
    } finally {
      await stack.close();
      await sessions.close();
      await charges.close();
    }
  });
});

describe('expiry sweep', () => {
  it('expires, once, a session Loops expired without telling the gateway', async () => {
    const receiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
    let offsetMs = 0;
    const stack = await startStack({
      env: { WEBHOOK_ENDPOINTS: receiver.url, STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook },
      now: () => Date.now() + offsetMs,
      background: true,
    });
    try {
      await stack.loops.admin('PUT', '/_emulator/webhooks', { targets: [] });
      const stripe = stack.stripe();
      const session = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: 'price_mug', quantity: 1 }],
        // A minute above the 30-minute minimum, which a request landing in the next second would miss.
        expires_at: Math.floor(Date.now() / 1000) + 1860,
      });
      expect(await stack.container.sweepExpired()).toBe(0);
      // Two hours pass on both sides; Loops expires the session but its webhook never arrives.
      offsetMs = 2 * 3600 * 1000;
      await stack.loops.admin('POST', '/_emulator/clock', { advanceSeconds: 2 * 3600 });
      expect(await stack.container.sweepExpired()).toBe(1);
      expect(await stack.container.sweepExpired()).toBe(0);
      await receiver.waitFor((events) => events.some((e) => e.type === 'checkout.session.expired'));
      expect(
        receiver
          .accepted()
          .filter((e) => (e.data.object as { id: string }).id === session.id)
          .map((e) => e.type),
      ).toEqual(['checkout.session.expired']);
      expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('expired');
      expect((await stack.loops.api('GET', `/api/v2/checkout/sessions/${session.id}`)).json.status).toBe('EXPIRED');
    } finally {
      await stack.close();
      await receiver.close();
    }
  });
});
