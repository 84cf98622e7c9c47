import Stripe from 'stripe';
import { startDrill, waitUntil, type Drill } from '../helpers/drill-stack';

/**
 * Drill: the gateway is SIGKILLed while Loops (ignoring `Idempotency-Key`) is slowly carrying out
 * its create. No process is left to record that the create went unanswered; the operation record
 * still says an attempt was running, so a retry on another instance holds back until that
 * attempt's lock has lapsed and its create's settle window has passed, and never makes a second
 * session. Timings: LOOPS_TIMEOUT_MS 1000 → lock 11 s, settle window 3 s; Loops creates after
 * 12.5 s, after the lock lapsed and inside the window.
 */
describe('drill: gateway killed while Loops is slow to create', () => {
  let drill: Drill;

  beforeAll(async () => {
    drill = await startDrill({
      redisUrl: process.env.REDIS_URL ?? '',
      env: { LOOPS_TIMEOUT_MS: '1000' },
      emulator: { honourIdempotencyKeys: false },
    });
  });
  afterAll(() => drill.close());

  const sessionsCreated = async () => ((await drill.loops.admin('GET', '/_emulator/stats')).json as { sessionsCreated: number }).sessionsCreated;
  const createPending = async () =>
    (
      (await drill.loops.admin('GET', '/_emulator/stats')).json as { requests: { method: string; path: string; status: number | null }[] }
    ).requests.some((r) => r.method === 'POST' && r.path === '/api/v3/checkout/sessions' && r.status === null);
  const params: Stripe.Checkout.SessionCreateParams = {
    mode: 'payment',
    line_items: [{ price: 'price_mug', quantity: 1 }],
    metadata: { order: 'killed-1' },
  };
  const create = (stripe: Stripe) =>
    stripe.checkout.sessions.create(params, { idempotencyKey: 'killed-mid-create' }).then(
      (session) => ({ session, error: undefined }),
      (error: Stripe.errors.StripeError) => ({ session: undefined, error }),
    );

  it('a retry on another instance makes no second session: a non-retryable error while Loops may still create, then the late session', async () => {
    const first = await drill.startGateway();
    // Started beforehand, so its retries come as soon as the dead attempt's lock lapses.
    const second = await drill.startGateway();
    await drill.loops.admin('POST', '/_emulator/faults', {
      method: 'POST',
      path: '/api/v3/checkout/sessions',
      mode: 'latency',
      latencyMs: 12_500,
      phase: 'during',
      times: 1,
    });
    const startedAt = Date.now();
    const cutOff = create(drill.stripe(first, 0));
    await waitUntil('the create to reach Loops', createPending, 5000);
    await first.kill('SIGKILL');
    expect((await cutOff).error?.type).toBe('StripeConnectionError');

    const stripe = drill.stripe(second, 0);
    // The dead attempt's lock holds the key (409) until it lapses.
    let retry = await create(stripe);
    let inUse = 0;
    while (retry.error?.statusCode === 409) {
      inUse += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
      retry = await create(stripe);
    }
    const heldBackAfterMs = Date.now() - startedAt;
    expect(retry.error).toMatchObject({ type: 'StripeAPIError', statusCode: 504 });
    expect(retry.error?.headers?.['stripe-should-retry']).toBe('false');
    expect(await sessionsCreated()).toBe(0);

    await waitUntil('the late Loops session', async () => (await sessionsCreated()) === 1, 5000);
    const settled = await create(stripe);
    expect(settled.session?.status).toBe('open');
    const perOrder = await drill.loopsSessionsByOrder();
    const report = {
      drill: 'killed-mid-create',
      injected: 'gateway SIGKILLed during a Loops create that Loops (ignoring Idempotency-Key) carried out after 12.5 s',
      retriesRefusedWhileLocked: inUse,
      heldBackAfterMs,
      loopsSessions: perOrder.get('killed-1') ?? 0,
    };
    console.log(JSON.stringify(report));
    expect(report.loopsSessions).toBe(1);
    expect(await sessionsCreated()).toBe(1);
  }, 60_000);
});
