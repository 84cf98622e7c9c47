import Stripe from 'stripe';
import { startDrill, waitUntil, type Drill } from '../helpers/drill-stack';

/**
 * Drill: Loops is down for a while — first failing fast (503), then taking requests and never
 * answering after creating the session (the worst case). Merchants see Stripe `api_error`s that
 * the SDK retries; afterwards every order has exactly one Loops session. Both faults must have
 * fired (their hit counts, read before they are removed), or the drill tested nothing.
 */
describe('drill: Loops down for a while', () => {
  let drill: Drill;

  beforeAll(async () => {
    drill = await startDrill({ redisUrl: process.env.REDIS_URL ?? '' });
  });
  afterAll(() => drill.close());

  it('answers retryable api_errors during the outage and makes no duplicate session', async () => {
    const gateway = await drill.startGateway();
    const stripe = drill.stripe(gateway);
    const orders: { order: string; key: string; session?: string; errors: string[] }[] = [];
    let running = true;
    const load = (async () => {
      for (let i = 0; running && i < 300; i++) {
        const order = { order: `l${i}`, key: `loops-drill-${i}`, errors: [] as string[] };
        orders.push(order);
        await create(stripe, order);
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 800));
    const errorFault = await drill.loops.admin('POST', '/_emulator/faults', {
      method: 'POST',
      path: '/api/v3/checkout/sessions',
      mode: 'error',
      status: 503,
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const errorHits = await faultHits(drill, errorFault.json.id);
    await drill.loops.admin('DELETE', `/_emulator/faults/${errorFault.json.id}`);
    const hangFault = await drill.loops.admin('POST', '/_emulator/faults', {
      method: 'POST',
      path: '/api/v3/checkout/sessions',
      mode: 'hang',
      phase: 'after',
    });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const hangHits = await faultHits(drill, hangFault.json.id);
    await drill.loops.admin('DELETE', `/_emulator/faults/${hangFault.json.id}`);
    await new Promise((resolve) => setTimeout(resolve, 800));
    running = false;
    await load;
    const recoveryMs = await waitUntil(
      'a create to succeed after Loops recovered',
      async () => Boolean((await create(stripe, { order: 'probe', key: `probe-${Date.now()}`, errors: [] })).session),
      20_000,
    );

    // The merchant retries what failed, with the same keys.
    await waitUntil(
      'every order to go through',
      async () => {
        for (const order of orders.filter((o) => !o.session)) await create(stripe, order);
        return orders.every((o) => o.session);
      },
      60_000,
    );
    const perOrder = await drill.loopsSessionsByOrder();
    const errorTypes = [...new Set(orders.flatMap((o) => o.errors))];
    const report = {
      drill: 'loops-outage',
      injected: 'Loops create answered 503 for 2 s, then created sessions but never answered for 2.5 s',
      orders: orders.length,
      errorFaultHits: errorHits,
      hangAfterCreateFaultHits: hangHits,
      ordersThatSawAnError: orders.filter((o) => o.errors.length > 0).length,
      errorTypes,
      loopsSessions: [...perOrder.entries()].filter(([order]) => order.startsWith('l')).reduce((sum, [, count]) => sum + count, 0),
      duplicateSessions: [...perOrder.values()].filter((count) => count > 1).length,
      firstSuccessAfterRecoveryMs: recoveryMs,
    };
    console.log(JSON.stringify(report));
    expect(report.errorFaultHits).toBeGreaterThan(0);
    // The hang-after-create fault is the one that leaves a Loops session the gateway never heard
    // about; "no duplicate session" means something only if it fired.
    expect(report.hangAfterCreateFaultHits).toBeGreaterThan(0);
    expect(report.ordersThatSawAnError).toBeGreaterThan(0);
    expect(errorTypes.every((type) => type === 'StripeAPIError' || type === 'StripeConnectionError')).toBe(true);
    expect(report.duplicateSessions).toBe(0);
    expect(orders.every((o) => perOrder.get(o.order) === 1)).toBe(true);
  }, 150_000);
});

/** How many requests a fault has hit so far (GET /_emulator/faults; gone once it is removed). */
async function faultHits(drill: Drill, id: string): Promise<number> {
  const { faults } = (await drill.loops.admin('GET', '/_emulator/faults')).json as { faults: { id: string; hits: number }[] };
  const fault = faults.find((f) => f.id === id);
  if (!fault) throw new Error(`fault ${id} is not installed`);
  return fault.hits;
}

async function create(stripe: Stripe, order: { order: string; key: string; session?: string; errors: string[] }) {
  try {
    const session = await stripe.checkout.sessions.create(
      { mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }], metadata: { order: order.order } },
      { idempotencyKey: order.key },
    );
    order.session = session.id;
  } catch (error) {
    order.errors.push((error as Stripe.errors.StripeError).type ?? 'unknown');
  }
  return order;
}
