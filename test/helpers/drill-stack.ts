import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator';
import type { DeliveryRecord } from '../../src/emulator/webhook-sender';
import { writeMappingFile } from '../../src/mappings/mapping-files';
import { startGatewayProcess, type GatewayProcess } from './gateway-process';
import { createLoopsCatalog } from './loops-catalog';
import { startMerchantReceiver, type MerchantReceiver } from './merchant-receiver';
import { emulatorAdmin, TEST_KEYS, type EmulatorAdmin } from './stack';

export const DRILL_KEY = 'sk_test_failure_drill_key_0001';

/**
 * What a failure drill needs around real gateway processes: the emulator, a mapped catalog, the
 * merchant's webhook endpoint, and the environment that points a gateway at all of them.
 */
export async function startDrill(options: { redisUrl: string; env?: Record<string, string>; emulator?: Partial<EmulatorOptions> }) {
  const receiver: MerchantReceiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
  const emulator: RunningEmulator = await startEmulator({ port: 0, apiKeys: [TEST_KEYS.loops], logLevel: 'silent', ...options.emulator });
  const loops: EmulatorAdmin = emulatorAdmin(emulator.url);
  const mappingsDir = mkdtempSync(join(tmpdir(), 'gw-drill-'));
  await writeMappingFile(
    mappingsDir,
    'default',
    await createLoopsCatalog(emulator.url, TEST_KEYS.loops, [
      { stripePriceId: 'price_mug', name: 'Mug', unitAmount: 1250, currency: 'usd' },
      // For the suites that need a subscription (test/helpers/billing.ts subscriptionReadBack).
      { stripePriceId: 'price_pro_monthly', name: 'Pro plan', unitAmount: 900, currency: 'usd', recurring: 'month' },
    ]),
  );
  const env: Record<string, string> = {
    REDIS_URL: options.redisUrl,
    REDIS_KEY_PREFIX: `drill-${randomBytes(4).toString('hex')}`,
    LOOPS_API_BASE: emulator.url,
    LOOPS_API_KEY: TEST_KEYS.loops,
    LOOPS_TIMEOUT_MS: '1500',
    GATEWAY_API_KEYS: DRILL_KEY,
    MAPPINGS_DIR: mappingsDir,
    LOOPS_WEBHOOK_SECRET: TEST_KEYS.loopsWebhook,
    STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook,
    WEBHOOK_ENDPOINTS: receiver.url,
    RATE_LIMIT_PER_SECOND: '0',
    // Endpoint retries in seconds, not Stripe's hours: the drills watch a few minutes at most.
    WEBHOOK_RETRY_SCHEDULE: '500ms,1s,2s,4s,8s,8s,8s',
    ...options.env,
  };
  const gateways: GatewayProcess[] = [];

  return {
    receiver,
    emulator,
    loops,
    env,
    async startGateway(port?: number): Promise<GatewayProcess> {
      const gateway = await startGatewayProcess(env, port);
      gateways.push(gateway);
      await loops.admin('PUT', '/_emulator/webhooks', { targets: [{ url: `${gateway.url}/webhooks/loops`, secret: TEST_KEYS.loopsWebhook }] });
      return gateway;
    },
    stripe: (gateway: GatewayProcess, maxNetworkRetries = 2) =>
      new Stripe(DRILL_KEY, { host: '127.0.0.1', port: gateway.port, protocol: 'http', maxNetworkRetries, telemetry: false }),
    /** Loops sessions created per logical order (orders tagged with metadata `order`). */
    async loopsSessionsByOrder(): Promise<Map<string, number>> {
      const counts = new Map<string, number>();
      for (let offset = 0; ; offset += 100) {
        const page = (await loops.api('GET', `/api/v3/checkout/sessions?limit=100&offset=${offset}`)).json as {
          data: { metadata?: Record<string, string> }[];
          has_more: boolean;
        };
        for (const session of page.data) {
          const order = session.metadata?.order;
          if (order) counts.set(order, (counts.get(order) ?? 0) + 1);
        }
        if (!page.has_more) return counts;
      }
    },
    async close() {
      for (const gateway of gateways) await gateway.kill('SIGKILL');
      await emulator.close();
      await receiver.close();
      rmSync(mappingsDir, { recursive: true, force: true });
    },
  };
}

export type Drill = Awaited<ReturnType<typeof startDrill>>;

/** One attempt of the emulator's webhook sender, as GET /_emulator/webhooks/deliveries lists it. */
export type LoopsDelivery = DeliveryRecord;

/** The emulator's log of Loops webhook attempts to the gateway (its last 1000). */
export async function loopsDeliveries(loops: EmulatorAdmin): Promise<LoopsDelivery[]> {
  return ((await loops.admin('GET', '/_emulator/webhooks/deliveries')).json as { deliveries: LoopsDelivery[] }).deliveries;
}

export const accepted = (delivery: LoopsDelivery) => delivery.status !== null && delivery.status >= 200 && delivery.status < 300;

/** Attempts the gateway did not acknowledge (non-2xx or no answer) made between `from` and `to` (ms). */
export const refusedBetween = (deliveries: LoopsDelivery[], from: number, to: number) =>
  deliveries.filter((d) => !accepted(d) && Date.parse(d.at) >= from && Date.parse(d.at) <= to);

/** Polls until `check` passes or the deadline; returns how long it took. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sessions that got more than one distinct `checkout.session.completed` (must never happen). */
export function sessionsWithSeveralEvents(events: Stripe.Event[]): number {
  const idsBySession = new Map<string, Set<string>>();
  for (const event of events) {
    const session = (event.data.object as { id: string }).id;
    idsBySession.set(session, (idsBySession.get(session) ?? new Set()).add(event.id));
  }
  return [...idsBySession.values()].filter((ids) => ids.size > 1).length;
}

export interface DrillOrder {
  order: string;
  key: string;
  session?: string;
  failures: number;
}

/**
 * A merchant's order: create the session (the SDK retries; the same Idempotency-Key every time)
 * unless an earlier attempt already did, then pay it in Loops. A failure is counted and left for
 * a later retry, as a merchant's job queue would.
 */
export async function placeOrder(stripe: Stripe, drill: Drill, order: DrillOrder): Promise<void> {
  try {
    if (!order.session) {
      const session = await stripe.checkout.sessions.create(
        { mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }], metadata: { order: order.order } },
        { idempotencyKey: order.key },
      );
      order.session = session.id;
    }
    await drill.loops.admin('POST', `/_emulator/sessions/${order.session}/complete`);
  } catch {
    order.failures += 1;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
