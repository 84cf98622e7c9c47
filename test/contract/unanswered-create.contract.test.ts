import Stripe from 'stripe';
import { type GatewayInstance, startAnotherInstance, TEST_KEYS, useStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait-for';

/**
 * One logical create never makes two Loops sessions, also when Loops ignores `Idempotency-Key`
 * (docs/loops-contract.md §7.7) and carries a create out only after the gateway stopped waiting for it
 * (LOOPS_TIMEOUT_MS 1500 here, so each create's settle window is 4.5 s). The emulator plays that
 * Loops: keys ignored, and a `phase: 'during'` latency that creates the session late whether or
 * not anyone still waits. Two gateway instances share one Redis prefix, as in production.
 */
describe('a Loops create answered after the timeout (stripe-node)', () => {
  const SETTLE_MS = 4500;
  let other: GatewayInstance;

  // Before useStack: after-hooks run in the order declared, so this runs while the stack is up.
  afterAll(async () => {
    await other.close();
  });
  const stack = useStack();
  beforeAll(async () => {
    other = await startAnotherInstance(stack);
    await stack.loops.admin('POST', '/_emulator/options', { honourIdempotencyKeys: false });
  });
  afterEach(() => stack.loops.admin('DELETE', '/_emulator/faults'));

  const params: Stripe.Checkout.SessionCreateParams = {
    mode: 'payment',
    line_items: [{ price: 'price_tshirt', quantity: 1 }],
    metadata: { order: '9' },
  };
  const stats = async () => (await stack.loops.admin('GET', '/_emulator/stats')).json as { sessionsCreated: number; requests: LoopsRequest[] };
  const sessionsCreated = async () => (await stats()).sessionsCreated;
  const createPosts = async () => (await stats()).requests.filter((r) => r.method === 'POST' && r.path === '/api/v3/checkout/sessions').length;
  /** Loops takes `ms` to create the next session, and creates it even if the gateway gave up. */
  const slowCreate = (ms: number) =>
    stack.loops.admin('POST', '/_emulator/faults', {
      method: 'POST',
      path: '/api/v3/checkout/sessions',
      mode: 'latency',
      latencyMs: ms,
      phase: 'during',
      times: 1,
    });
  /** Loops takes the next create and never answers or carries it out. */
  const lostCreate = () =>
    stack.loops.admin('POST', '/_emulator/faults', { method: 'POST', path: '/api/v3/checkout/sessions', mode: 'hang', times: 1 });
  /** Each attempt the SDK sends. */
  const counted = (client: Stripe) => {
    const attempts: number[] = [];
    client.on('request', () => attempts.push(Date.now()));
    return { client, attempts };
  };
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      (value) => {
        throw new Error(`expected an error, got ${JSON.stringify(value)}`);
      },
      (error: Stripe.errors.StripeError) => error,
    );
  const expectOutcomeUnknown = (error: Stripe.errors.StripeError) => {
    expect(error).toMatchObject({ type: 'StripeAPIError', statusCode: 504, rawType: 'api_error' });
    expect(error.headers?.['stripe-should-retry']).toBe('false');
    expect(error.message).toContain('Loops has not confirmed whether it created this Checkout Session');
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('the SDK retries on the same instance: the retry waits for the slow create, one Loops session, and the SDK gets it', async () => {
    await slowCreate(3000);
    const [before, postsBefore] = [await sessionsCreated(), await createPosts()];
    const { client, attempts } = counted(stack.stripe({ maxNetworkRetries: 2 }));
    const session = await client.checkout.sessions.create(params, { idempotencyKey: 'slow-same-instance' });
    // The first attempt answered 502 at the timeout; the retry got the late answer.
    expect(attempts).toHaveLength(2);
    expect(session.status).toBe('open');
    expect((await stack.loops.api('GET', `/api/v3/checkout/sessions/${session.id}`)).status).toBe(200);
    await sleep(500);
    expect((await sessionsCreated()) - before).toBe(1);
    expect((await createPosts()) - postsBefore).toBe(1);
  });

  it('parallel requests with one key while the create is unanswered: one Loops session, every caller gets it', async () => {
    await slowCreate(3000);
    const before = await sessionsCreated();
    const client = stack.stripe({ maxNetworkRetries: 5 });
    const results = await Promise.all(Array.from({ length: 4 }, () => client.checkout.sessions.create(params, { idempotencyKey: 'slow-parallel' })));
    expect(new Set(results.map((s) => s.id)).size).toBe(1);
    await sleep(500);
    expect((await sessionsCreated()) - before).toBe(1);
  });

  it('a retry on a second instance honours the recorded window: no second create, a non-retried error, then the late session', async () => {
    await slowCreate(3000);
    const [before, postsBefore] = [await sessionsCreated(), await createPosts()];
    const first = await failure(stack.stripe({ maxNetworkRetries: 0 }).checkout.sessions.create(params, { idempotencyKey: 'slow-two-instances' }));
    expect(first).toMatchObject({ type: 'StripeAPIError', statusCode: 502 });

    const { client, attempts } = counted(other.stripe({ maxNetworkRetries: 2 }));
    const refused = await failure(client.checkout.sessions.create(params, { idempotencyKey: 'slow-two-instances' }));
    expectOutcomeUnknown(refused);
    expect(Number(refused.headers?.['retry-after'])).toBeGreaterThan(0);
    expect(attempts).toHaveLength(1);
    expect((await createPosts()) - postsBefore).toBe(1);

    await waitFor(async () => (await sessionsCreated()) - before === 1, 5000, 'the late Loops session');
    const session = await client.checkout.sessions.create(params, { idempotencyKey: 'slow-two-instances' });
    expect(session.status).toBe('open');
    expect((await stack.loops.api('GET', `/api/v3/checkout/sessions/${session.id}`)).json.metadata).toMatchObject({ order: '9' });
    expect((await sessionsCreated()) - before).toBe(1);
    expect((await createPosts()) - postsBefore).toBe(1);
  });

  it('after the window, a conclusive search for the marker lets a retry create, once', async () => {
    await lostCreate();
    const [before, postsBefore] = [await sessionsCreated(), await createPosts()];
    const sentAt = Date.now();
    await failure(stack.stripe({ maxNetworkRetries: 0 }).checkout.sessions.create(params, { idempotencyKey: 'lost-then-retried' }));
    expectOutcomeUnknown(
      await failure(other.stripe({ maxNetworkRetries: 2 }).checkout.sessions.create(params, { idempotencyKey: 'lost-then-retried' })),
    );
    await sleep(sentAt + SETTLE_MS + 200 - Date.now());
    const session = await other.stripe({ maxNetworkRetries: 0 }).checkout.sessions.create(params, { idempotencyKey: 'lost-then-retried' });
    expect(session.status).toBe('open');
    expect((await sessionsCreated()) - before).toBe(1);
    expect((await createPosts()) - postsBefore).toBe(2);
    // The answer is stored: replays make nothing more.
    const replay = await stack.stripe({ maxNetworkRetries: 0 }).checkout.sessions.create(params, { idempotencyKey: 'lost-then-retried' });
    expect(replay.id).toBe(session.id);
    expect((await sessionsCreated()) - before).toBe(1);
  });

  it('after the window, a search that cannot be completed still creates nothing; once Loops lists again, one create', async () => {
    await lostCreate();
    const postsBefore = await createPosts();
    const sentAt = Date.now();
    await failure(stack.stripe({ maxNetworkRetries: 0 }).checkout.sessions.create(params, { idempotencyKey: 'lost-unlistable' }));
    await sleep(sentAt + SETTLE_MS + 200 - Date.now());
    await stack.loops.admin('POST', '/_emulator/faults', { method: 'GET', path: '/api/v3/checkout/sessions', mode: 'error', status: 503 });
    const refused = await failure(other.stripe({ maxNetworkRetries: 2 }).checkout.sessions.create(params, { idempotencyKey: 'lost-unlistable' }));
    expectOutcomeUnknown(refused);
    expect(refused.message).toContain('could not list');
    expect((await createPosts()) - postsBefore).toBe(1);
    await stack.loops.admin('DELETE', '/_emulator/faults');
    const session = await other.stripe({ maxNetworkRetries: 0 }).checkout.sessions.create(params, { idempotencyKey: 'lost-unlistable' });
    expect(session.status).toBe('open');
    expect((await createPosts()) - postsBefore).toBe(2);
  });

  describe('price_data products (keyed by their content)', () => {
    const productsCreated = async () => (await stack.loops.admin('GET', '/_emulator/stats')).json.productsCreated as number;
    const slowProduct = () =>
      stack.loops.admin('POST', '/_emulator/faults', {
        method: 'POST',
        path: '/api/v3/products',
        mode: 'latency',
        latencyMs: 3000,
        phase: 'during',
        times: 1,
      });
    const adhoc = (name: string): Stripe.Checkout.SessionCreateParams => ({
      mode: 'payment',
      line_items: [{ price_data: { currency: 'usd', unit_amount: 777, product_data: { name } }, quantity: 1 }],
    });

    it('the SDK’s retry on the same instance waits for the slow product instead of making a second one', async () => {
      await slowProduct();
      const before = await productsCreated();
      const startedAt = Date.now();
      const session = await stack.stripe({ maxNetworkRetries: 2 }).checkout.sessions.create(adhoc('Slow poster'), { idempotencyKey: 'slow-product' });
      expect(session.amount_total).toBe(777);
      // Counted once the slow create has surely landed.
      await sleep(startedAt + 3500 - Date.now());
      expect((await productsCreated()) - before).toBe(1);
    });

    it('a product Loops makes after the request gave up is kept, so the next request with that content (on any instance) reuses it', async () => {
      await slowProduct();
      const before = await productsCreated();
      await failure(stack.stripe({ maxNetworkRetries: 0 }).checkout.sessions.create(adhoc('Late mug'), { idempotencyKey: 'late-product-1' }));
      await waitFor(async () => (await productsCreated()) - before === 1, 5000, 'the late Loops product');
      await sleep(200);
      const session = await other.stripe({ maxNetworkRetries: 0 }).checkout.sessions.create(adhoc('Late mug'), { idempotencyKey: 'late-product-2' });
      expect(session.amount_total).toBe(777);
      expect((await productsCreated()) - before).toBe(1);
    });
  });

  it('without an Idempotency-Key no retry can be recognised: the unanswered create is a non-retryable error', async () => {
    await slowCreate(3000);
    const before = await sessionsCreated();
    const response = await fetch(`${stack.url}/v1/checkout/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEYS.gateway}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'mode=payment&line_items[0][price]=price_mug&line_items[0][quantity]=1',
    });
    expect(response.status).toBe(504);
    expect(response.headers.get('stripe-should-retry')).toBe('false');
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('api_error');
    await waitFor(async () => (await sessionsCreated()) - before === 1, 5000, 'the late Loops session');
  });
});

interface LoopsRequest {
  method: string;
  path: string;
}
