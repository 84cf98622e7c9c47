import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { writeMappingFile } from '../../src/mappings/mapping-files';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process';
import { createLoopsCatalog } from '../helpers/loops-catalog';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver';
import { emulatorAdmin, TEST_KEYS } from '../helpers/stack';

const SUBSCRIPTIONS = 5;
const GATEWAY_KEY = 'sk_test_subscription_durability_key_1';

/**
 * The gateway is SIGKILLed after it accepted Loops' subscription webhooks (their Stripe events
 * recorded, the merchant's endpoint down so none delivered) and restarted: every event is
 * delivered afterwards, each event id once (issue 12 "Tests: faults").
 */
describe('subscription events survive a gateway crash between Loops’ webhook and the deliveries', () => {
  let receiver: MerchantReceiver;
  let emulator: RunningEmulator;
  let mappingsDir: string;
  const gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    receiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
    emulator = await startEmulator({ port: 0, apiKeys: [TEST_KEYS.loops], logLevel: 'silent', webhookRetryDelaysMs: [200, 400, 800] });
    mappingsDir = mkdtempSync(join(tmpdir(), 'gw-subscription-durability-'));
    await writeMappingFile(
      mappingsDir,
      'default',
      await createLoopsCatalog(emulator.url, TEST_KEYS.loops, [
        { stripePriceId: 'price_pro_monthly', name: 'Pro plan', unitAmount: 900, currency: 'usd', recurring: 'month' },
      ]),
    );
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.kill('SIGKILL');
    await emulator.close();
    await receiver.close();
    rmSync(mappingsDir, { recursive: true, force: true });
  });

  it('delivers every subscription and invoice event after SIGKILL and restart, none twice', async () => {
    const env = {
      REDIS_URL: process.env.REDIS_URL ?? '',
      REDIS_KEY_PREFIX: `drill-${randomBytes(4).toString('hex')}`,
      LOOPS_API_BASE: emulator.url,
      LOOPS_API_KEY: TEST_KEYS.loops,
      GATEWAY_API_KEYS: GATEWAY_KEY,
      MAPPINGS_DIR: mappingsDir,
      LOOPS_WEBHOOK_SECRET: TEST_KEYS.loopsWebhook,
      STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook,
      WEBHOOK_ENDPOINTS: receiver.url,
      // The merchant's endpoint is down through the crash: quick retries, many of them.
      WEBHOOK_RETRY_SCHEDULE: Array.from({ length: 40 }, () => '500ms').join(','),
    };
    const loops = emulatorAdmin(emulator.url);
    receiver.setDown(true);
    const first = await startGatewayProcess(env);
    gateways.push(first);
    await loops.admin('PUT', '/_emulator/webhooks', { targets: [{ url: `${first.url}/webhooks/loops`, secret: TEST_KEYS.loopsWebhook }] });
    const stripe = new Stripe(GATEWAY_KEY, { host: '127.0.0.1', port: first.port, protocol: 'http' });

    const ids: string[] = [];
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      const session = await stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: 'price_pro_monthly', quantity: 1 }],
        customer: (await stripe.customers.create({ email: `durable.${i}@example.com` })).id,
      });
      ids.push((await loops.admin('POST', `/_emulator/sessions/${session.id}/complete`, {})).json.subscription);
    }
    // One renewal each (the first one failing), all sent by Loops while the endpoint is down.
    await loops.admin('POST', '/_emulator/webhooks/flush');
    const failing = await loops.admin('POST', `/_emulator/subscriptions/${ids[0]}/fail-next-charge`, {});
    // Just past every first period's end (they were all bought within seconds), well before the
    // failed renewal's first retry a day later.
    const { now } = (await loops.admin('GET', '/_emulator/clock')).json;
    await loops.admin('POST', '/_emulator/clock/advance', { seconds: failing.json.subscription.current_period_end - now + 3600 });
    await loops.admin('POST', '/_emulator/webhooks/flush');

    const recorded = async () =>
      (await stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 1000 })).filter((e) => /^(customer\.subscription|invoice)\./.test(e.type));
    const deadline = Date.now() + 20_000;
    // Per subscription: created, updated and 4 + 4 invoice events (3 for the failed renewal).
    const expected = SUBSCRIPTIONS * 10 - 1;
    while ((await recorded()).length < expected) {
      if (Date.now() > deadline) throw new Error(`events not recorded (${(await recorded()).length}/${expected}):\n${first.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const events = await recorded();
    expect(events).toHaveLength(expected);
    expect(receiver.accepted().filter((e) => /^(customer\.subscription|invoice)\./.test(e.type))).toHaveLength(0);

    expect(await first.kill('SIGKILL')).toBeNull();
    receiver.setDown(false);
    gateways.push(await startGatewayProcess(env, first.port));

    const wanted = new Set(events.map((event) => event.id));
    await receiver.waitFor((accepted) => [...wanted].every((id) => accepted.some((event) => event.id === id)), 40_000);
    const delivered = receiver.accepted().filter((event) => wanted.has(event.id));
    // At least once: a delivery cut off mid-attempt may come twice, but each change has one event id.
    expect(new Set(delivered.map((event) => event.id)).size).toBe(expected);
    const perSubscription = (type: string) =>
      ids.map((id) => new Set(delivered.filter((e) => e.type === type && (e.data.object as { id: string }).id === id).map((e) => e.id)).size);
    expect(perSubscription('customer.subscription.created')).toEqual(ids.map(() => 1));
    expect(perSubscription('customer.subscription.updated')).toEqual(ids.map(() => 1));
  }, 90_000);
});
