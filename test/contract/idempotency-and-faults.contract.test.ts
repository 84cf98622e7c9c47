import Stripe from 'stripe';
import { useStack } from '../helpers/stack';

interface LoopsRequest {
  method: string;
  path: string;
  status: number | null;
  idempotencyKey: string | null;
}

/**
 * One logical create never makes two Loops sessions (docs/stripe-checkout-contract.md §4), whatever Loops does,
 * with the SDK's own retries doing the retrying, exactly as in a merchant's process.
 */
describe('idempotency and Loops faults (stripe-node)', () => {
  let stripe: Stripe;

  const stack = useStack();
  beforeAll(() => {
    stripe = stack.stripe();
  });
  afterEach(() => stack.loops.admin('DELETE', '/_emulator/faults'));

  const sessionsCreated = async (): Promise<number> => (await stack.loops.admin('GET', '/_emulator/stats')).json.sessionsCreated;
  const createPosts = async (): Promise<LoopsRequest[]> =>
    (await stack.loops.admin('GET', '/_emulator/stats')).json.requests.filter(
      (r: LoopsRequest) => r.method === 'POST' && r.path === '/api/v3/checkout/sessions',
    );
  const params: Stripe.Checkout.SessionCreateParams = {
    mode: 'payment',
    line_items: [{ price: 'price_tshirt', quantity: 1 }],
    metadata: { order: '7' },
  };
  const fault = (spec: Record<string, unknown>) =>
    stack.loops.admin('POST', '/_emulator/faults', { method: 'POST', path: '/api/v3/checkout/sessions', ...spec });

  it('replays a completed request byte for byte with Idempotent-Replayed: true', async () => {
    const before = await sessionsCreated();
    const first = await stripe.checkout.sessions.create(params, { idempotencyKey: 'replay-1' });
    const second = await stripe.checkout.sessions.create(params, { idempotencyKey: 'replay-1' });
    expect(second).toEqual(first);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(second.lastResponse.headers['original-request']).toBe(first.lastResponse.requestId);
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect((await sessionsCreated()) - before).toBe(1);
    const raw = async () => {
      const response = await fetch(`${stack.url}/v1/checkout/sessions`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer sk_test_gateway_contract_key_0001',
          'idempotency-key': 'replay-raw',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'mode=payment&line_items[0][price]=price_mug&line_items[0][quantity]=1',
      });
      return response.text();
    };
    expect(await raw()).toBe(await raw());
  });

  it('concurrent duplicates converge on one session (409s retried by the SDK)', async () => {
    await fault({ mode: 'latency', latencyMs: 300, times: 1 });
    const before = await sessionsCreated();
    const client = stack.stripe({ maxNetworkRetries: 5 });
    const results = await Promise.all(Array.from({ length: 5 }, () => client.checkout.sessions.create(params, { idempotencyKey: 'concurrent-1' })));
    expect(new Set(results.map((s) => s.id)).size).toBe(1);
    expect((await sessionsCreated()) - before).toBe(1);
  });

  it('Loops times out after creating the session: the SDK retry finds that session by its marker, not a second one', async () => {
    await fault({ mode: 'hang', phase: 'after', times: 1 });
    const before = await sessionsCreated();
    const postsBefore = (await createPosts()).length;
    const session = await stripe.checkout.sessions.create(params, { idempotencyKey: 'timeout-after-create' });
    expect((await sessionsCreated()) - before).toBe(1);
    expect((await createPosts()).slice(postsBefore)).toHaveLength(1);
    const loops = await stack.loops.api('GET', `/api/v3/checkout/sessions/${session.id}`);
    expect(loops.status).toBe(200);
    expect(loops.json.metadata).toEqual({ order: '7', gateway_operation: expect.stringMatching(/^[0-9a-f]{32}$/) });
    // The marker is the gateway's: the merchant's session shows only its own metadata.
    expect((await stripe.checkout.sessions.retrieve(session.id)).metadata).toEqual({ order: '7' });
  });

  it('Loops ignores Idempotency-Key and times out after creating: the SDK retry still makes no second session', async () => {
    await stack.loops.admin('POST', '/_emulator/options', { honourIdempotencyKeys: false });
    try {
      await fault({ mode: 'hang', phase: 'after', times: 1 });
      const before = await sessionsCreated();
      const session = await stripe.checkout.sessions.create(params, { idempotencyKey: 'timeout-after-create-no-idempotency' });
      expect((await sessionsCreated()) - before).toBe(1);
      expect(session.status).toBe('open');
      expect((await stack.loops.api('GET', `/api/v3/checkout/sessions/${session.id}`)).status).toBe(200);
      // Replays of the stored answer make nothing either.
      await stripe.checkout.sessions.create(params, { idempotencyKey: 'timeout-after-create-no-idempotency' });
      expect((await sessionsCreated()) - before).toBe(1);
    } finally {
      await stack.loops.admin('POST', '/_emulator/options', { honourIdempotencyKeys: true });
    }
  });

  it('metadata that leaves no room for the marker: an unanswered create is not sent again; the SDK gets a non-retryable error', async () => {
    const full = { ...params, metadata: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])) };
    await fault({ mode: 'hang', phase: 'after', times: 1 });
    const before = await sessionsCreated();
    const postsBefore = (await createPosts()).length;
    const attempts: string[] = [];
    const client = stack.stripe({ maxNetworkRetries: 2 });
    client.on('request', (event: { idempotency_key?: string }) => attempts.push(event.idempotency_key ?? ''));
    // The retry waits out the first create's settle window on this instance; with no marker to
    // look for, only Loops' own Idempotency-Key could tell, and whether Loops honours it is unknown.
    const error = await client.checkout.sessions.create(full, { idempotencyKey: 'timeout-after-create-full-metadata' }).then(
      () => undefined,
      (e: Stripe.errors.StripeError) => e,
    );
    expect(error).toMatchObject({ type: 'StripeAPIError', statusCode: 504 });
    expect(error?.headers?.['stripe-should-retry']).toBe('false');
    expect(error?.message).toContain('gateway_operation');
    expect(attempts).toEqual(['timeout-after-create-full-metadata', 'timeout-after-create-full-metadata']);
    expect((await sessionsCreated()) - before).toBe(1);
    expect((await createPosts()).slice(postsBefore)).toHaveLength(1);
  });

  it('Loops drops the connection after creating: still one session', async () => {
    await fault({ mode: 'drop', phase: 'after', times: 1 });
    const before = await sessionsCreated();
    const session = await stripe.checkout.sessions.create(params, { idempotencyKey: 'drop-after-create' });
    expect((await sessionsCreated()) - before).toBe(1);
    expect(session.status).toBe('open');
  });

  it('Loops answers 5xx twice, then recovers: the SDK’s retries succeed with one session', async () => {
    await fault({ mode: 'error', status: 500, times: 2 });
    const before = await sessionsCreated();
    const session = await stripe.checkout.sessions.create(params, { idempotencyKey: 'five-hundreds' });
    expect(session.object).toBe('checkout.session');
    expect((await sessionsCreated()) - before).toBe(1);
  });

  it('Loops down longer than the SDK retries: an api_error, nothing created, and the same key succeeds later', async () => {
    await fault({ mode: 'error', status: 503 });
    const before = await sessionsCreated();
    await expect(stripe.checkout.sessions.create(params, { idempotencyKey: 'outage-1' })).rejects.toMatchObject({
      type: 'StripeAPIError',
      statusCode: 502,
    });
    expect((await sessionsCreated()) - before).toBe(0);
    await stack.loops.admin('DELETE', '/_emulator/faults');
    const session = await stripe.checkout.sessions.create(params, { idempotencyKey: 'outage-1' });
    expect(session.status).toBe('open');
    expect((await sessionsCreated()) - before).toBe(1);
  });

  it('requests without an Idempotency-Key are each their own operation', async () => {
    const before = await sessionsCreated();
    const raw = () =>
      fetch(`${stack.url}/v1/checkout/sessions`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk_test_gateway_contract_key_0001', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'mode=payment&line_items[0][price]=price_mug&line_items[0][quantity]=1',
      }).then((r) => r.json() as Promise<{ id: string }>);
    const [a, b] = [await raw(), await raw()];
    expect(a.id).not.toBe(b.id);
    expect((await sessionsCreated()) - before).toBe(2);
  });
});
