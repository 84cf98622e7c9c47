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

const SESSIONS = 20;
const GATEWAY_KEY = 'sk_test_durability_drill_key_1';

/** Deliveries pending when the gateway is SIGKILLed are all made after it restarts. */
describe('delivery survives a gateway crash', () => {
  let receiver: MerchantReceiver;
  let emulator: RunningEmulator;
  let mappingsDir: string;
  const gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    receiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
    emulator = await startEmulator({ port: 0, apiKeys: [TEST_KEYS.loops], logLevel: 'silent', webhookRetryDelaysMs: [200, 400, 800] });
    mappingsDir = mkdtempSync(join(tmpdir(), 'gw-durability-'));
    await writeMappingFile(
      mappingsDir,
      'default',
      await createLoopsCatalog(emulator.url, TEST_KEYS.loops, [{ stripePriceId: 'price_mug', name: 'Mug', unitAmount: 1250, currency: 'usd' }]),
    );
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.kill('SIGKILL');
    await emulator.close();
    await receiver.close();
    rmSync(mappingsDir, { recursive: true, force: true });
  });

  it('loses no event across SIGKILL and restart', async () => {
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
      // Forty quick retries: the merchant's endpoint is down through the whole crash.
      WEBHOOK_RETRY_SCHEDULE: Array.from({ length: 40 }, () => '500ms').join(','),
    };
    receiver.setDown(true);
    const first = await startGatewayProcess(env);
    gateways.push(first);
    await emulatorAdmin(emulator.url).admin('PUT', '/_emulator/webhooks', {
      targets: [{ url: `${first.url}/webhooks/loops`, secret: TEST_KEYS.loopsWebhook }],
    });
    const stripe = new Stripe(GATEWAY_KEY, { host: '127.0.0.1', port: first.port, protocol: 'http' });

    const ids: string[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      const session = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: 'price_mug', quantity: 1 }],
        metadata: { n: String(i) },
      });
      ids.push(session.id);
      await emulatorAdmin(emulator.url).admin('POST', `/_emulator/sessions/${session.id}/complete`);
    }
    const deadline = Date.now() + 20_000;
    while ((await stripe.events.list({ type: 'checkout.session.completed', limit: 100 })).data.length < SESSIONS) {
      if (Date.now() > deadline) throw new Error(`events not recorded:\n${first.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(receiver.accepted()).toHaveLength(0);
    expect(receiver.received.length).toBeGreaterThan(0);

    expect(await first.kill('SIGKILL')).toBeNull();
    receiver.setDown(false);
    gateways.push(await startGatewayProcess(env, first.port));

    const completedFor = (events: Stripe.Event[]) =>
      new Set(events.filter((e) => e.type === 'checkout.session.completed').map((e) => (e.data.object as { id: string }).id));
    await receiver.waitFor((events) => completedFor(events).size === SESSIONS, 40_000);
    expect([...completedFor(receiver.accepted())].sort()).toEqual([...ids].sort());
    // At least once: a delivery in flight at the kill may arrive twice, but each event has one id.
    const completedIds = receiver
      .accepted()
      .filter((e) => e.type === 'checkout.session.completed')
      .map((e) => e.id);
    expect(new Set(completedIds).size).toBe(SESSIONS);
  }, 90_000);
});
