import { createServer, type Server } from 'node:http';
import { Agent } from 'undici';
import { isLoopsError, isLoopsRefusal, LoopsError } from '../../src/loops/loops-error';
import { createLoopsClient, type LoopsClient } from '../../src/loops/loops-client';
import { createLogger } from '../../src/observability/logger';
import { API_KEY, MONTHLY_PRODUCT, startHarness, type Harness } from '../emulator/support/harness';

/**
 * The gateway's Loops client for docs/loops-contract.md §8 (subscriptions, trials, the customer portal),
 * against the real emulator; a bare HTTP server plays a Loops whose answers drifted from the
 * contract.
 */
describe('Loops client: subscriptions and the customer portal (docs/loops-contract.md §8)', () => {
  let h: Harness;
  let dispatcher: Agent;
  let client: LoopsClient;
  const observed: Array<[string, string]> = [];

  const clientFor = (apiBase: string) =>
    createLoopsClient({
      apiBase,
      apiKey: API_KEY,
      timeoutMs: 2000,
      dispatcher,
      logger: createLogger('silent'),
      observe: (operation, outcome) => observed.push([operation, outcome]),
    });

  beforeAll(async () => {
    h = await startHarness();
    dispatcher = new Agent({ keepAliveTimeout: 1000 });
    client = clientFor(h.url);
  });
  afterAll(async () => {
    await h.close();
    await dispatcher.close();
  });
  beforeEach(async () => {
    await h.admin('POST', '/_emulator/reset');
    await h.seedProduct(MONTHLY_PRODUCT);
    observed.length = 0;
  });

  /** A subscription bought through the client's own V3 create, completed on the emulator. */
  async function subscribe(externalCustomerId = 'cust_1', trialDays?: number) {
    const session = await client.createSessionV3(
      {
        mode: 'subscription',
        line_items: [{ price: MONTHLY_PRODUCT.defaultPriceId!, quantity: 2 }],
        externalCustomerId,
        customer_email: 'ada@example.com',
        ...(trialDays ? { subscription_data: { trial_period_days: trialDays, metadata: { plan: 'pro' } } } : {}),
      },
      `create-${externalCustomerId}-${Math.random()}`,
    );
    await h.admin('POST', `/_emulator/sessions/${session.id}/complete`, { name: 'Ada Lovelace' });
    const completed = await client.getSessionV3(session.id);
    return { session: completed, subscriptionId: completed.subscription ?? '' };
  }

  /** Requests the emulator received for a method and path prefix. */
  const requests = async (method: string, prefix: string) =>
    (await h.admin('GET', '/_emulator/stats')).body.requests.filter((r: any) => r.method === method && r.path.startsWith(prefix));

  const failureOf = async (promise: Promise<unknown>): Promise<LoopsError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isLoopsError(error)) throw new Error(`expected a LoopsError, got ${String(error)}`);
    return error;
  };

  it('a trial checkout: V3 create with subscription_data, then the session names its subscription and customer_details', async () => {
    const { session, subscriptionId } = await subscribe('cust_1', 14);
    expect(session).toMatchObject({
      payment_status: 'no_payment_required',
      amount_total: 3000,
      customer_details: { email: 'ada@example.com', name: 'Ada Lovelace' },
    });
    expect(subscriptionId).toMatch(/^sub_/);
    const subscription = await client.getSubscription(subscriptionId);
    expect(subscription).toMatchObject({
      id: subscriptionId,
      object: 'subscription',
      status: 'trialing',
      externalCustomerId: 'cust_1',
      customer_email: 'ada@example.com',
      productId: MONTHLY_PRODUCT.id,
      price: MONTHLY_PRODUCT.defaultPriceId,
      quantity: 2,
      amount: 3000,
      currency: 'usd',
      interval: 'month',
      trial_end: subscription.trial_start! + 14 * 86_400,
      cancel_at_period_end: false,
      checkout_session: session.id,
      latest_charge: null,
      metadata: { plan: 'pro' },
      livemode: false,
    });
  });

  it('lists with filters and paging, newest first', async () => {
    const first = (await subscribe('cust_a')).subscriptionId;
    await h.admin('POST', '/_emulator/clock/advance', { seconds: 5 });
    const second = (await subscribe('cust_b', 7)).subscriptionId;
    await h.admin('POST', '/_emulator/clock/advance', { seconds: 5 });
    const third = (await subscribe('cust_a')).subscriptionId;
    expect((await client.listSubscriptions({ limit: 10, offset: 0 })).data.map((s) => s.id)).toEqual([third, second, first]);
    expect(await client.listSubscriptions({ limit: 1, offset: 1, externalCustomerId: 'cust_a' })).toMatchObject({
      hasMore: false,
      data: [{ id: first }],
    });
    expect((await client.listSubscriptions({ limit: 1, offset: 0, externalCustomerId: 'cust_a' })).hasMore).toBe(true);
    expect((await client.listSubscriptions({ limit: 10, offset: 0, status: 'trialing' })).data.map((s) => s.id)).toEqual([second]);
  });

  it('updates, cancels (twice: the same answer), and a canceled one refuses updates', async () => {
    const { subscriptionId } = await subscribe();
    expect(await client.updateSubscription(subscriptionId, { cancel_at_period_end: true, quantity: 3, metadata: { seats: '3' } })).toMatchObject({
      cancel_at_period_end: true,
      quantity: 3,
      amount: 4500,
      metadata: { seats: '3' },
      canceled_at: expect.any(Number),
    });
    const canceled = await client.cancelSubscription(subscriptionId);
    expect(canceled).toMatchObject({ status: 'canceled', ended_at: canceled.canceled_at });
    expect(await client.cancelSubscription(subscriptionId)).toEqual(canceled);
    const refused = await failureOf(client.updateSubscription(subscriptionId, { cancel_at_period_end: false }));
    expect(refused.failure).toMatchObject({ kind: 'http', status: 400, code: 'subscription_canceled' });
    expect(isLoopsRefusal(refused)).toBe(true);
    expect(observed.filter(([operation]) => operation.includes('Subscription')).map(([operation, outcome]) => `${operation} ${outcome}`)).toEqual([
      'updateSubscription ok',
      'cancelSubscription ok',
      'cancelSubscription ok',
      'updateSubscription http_400',
    ]);
  });

  it('an unknown subscription is a 404 LoopsError with Loops’ code and message, not retried', async () => {
    for (const call of [
      () => client.getSubscription('sub_missing'),
      () => client.updateSubscription('sub_missing', {}),
      () => client.cancelSubscription('sub_missing'),
    ]) {
      const error = await failureOf(call());
      expect(error.failure).toEqual({ kind: 'http', status: 404, code: 'subscription_not_found', message: 'Subscription Not Found' });
    }
    expect(await requests('GET', '/api/v3/subscriptions/sub_missing')).toHaveLength(1);
    expect(await requests('DELETE', '/api/v3/subscriptions/sub_missing')).toHaveLength(1);
  });

  it('creates a portal session, keyed; its url opens the hosted portal page', async () => {
    await subscribe('cust_portal');
    const portal = await client.createPortalSession({ externalCustomerId: 'cust_portal', returnUrl: 'https://shop.example/account' }, 'portal-key-1');
    expect(portal).toEqual({
      id: expect.stringMatching(/^bps_/),
      object: 'customer_portal.session',
      url: `${h.url}/portal/${portal.id}`,
      externalCustomerId: 'cust_portal',
      returnUrl: 'https://shop.example/account',
      created: expect.any(Number),
      expires_at: portal.created + 3600,
    });
    expect(
      await client.createPortalSession({ externalCustomerId: 'cust_portal', returnUrl: 'https://shop.example/account' }, 'portal-key-1'),
    ).toEqual(portal);
    const posts = await requests('POST', '/api/v3/customer-portal/sessions');
    expect(posts.map((r: any) => [r.idempotencyKey, r.replayed])).toEqual([
      ['portal-key-1', false],
      ['portal-key-1', true],
    ]);
    const page = await fetch(portal.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('class="subscription"');
  });

  describe('retries (retry-policy.ts: GET, PUT and DELETE are safe to repeat; a POST only when Loops cannot have acted)', () => {
    const fault = (spec: Record<string, unknown>) => h.admin('POST', '/_emulator/faults', { mode: 'error', status: 503, ...spec });

    it('GET is retried after 5xx and succeeds on the third attempt', async () => {
      const { subscriptionId } = await subscribe();
      await fault({ method: 'GET', path: '/api/v3/subscriptions/*', times: 2 });
      expect((await client.getSubscription(subscriptionId)).id).toBe(subscriptionId);
      expect((await requests('GET', `/api/v3/subscriptions/${subscriptionId}`)).map((r: any) => r.status)).toEqual([503, 503, 200]);
      await fault({ method: 'GET', path: '/api/v3/subscriptions', times: 1, status: 502, body: 'text' });
      expect((await client.listSubscriptions({ limit: 5, offset: 0 })).data).toHaveLength(1);
    });

    it('gives up after three attempts with the last failure', async () => {
      const { subscriptionId } = await subscribe();
      await fault({ method: 'GET', path: '/api/v3/subscriptions/*', times: 5 });
      const error = await failureOf(client.getSubscription(subscriptionId));
      expect(error.failure).toMatchObject({ kind: 'http', status: 503 });
      expect(await requests('GET', `/api/v3/subscriptions/${subscriptionId}`)).toHaveLength(3);
    });

    it('DELETE whose answer was lost is repeated and answers the canceled subscription; PUT is retried too', async () => {
      const { subscriptionId } = await subscribe();
      await fault({ method: 'PUT', path: '/api/v3/subscriptions/*', times: 1 });
      expect((await client.updateSubscription(subscriptionId, { quantity: 4 })).quantity).toBe(4);
      expect(await requests('PUT', `/api/v3/subscriptions/${subscriptionId}`)).toHaveLength(2);
      // Loops ends it, then the answer is lost: the repeat finds it canceled and answers it unchanged.
      await fault({ method: 'DELETE', path: '/api/v3/subscriptions/*', times: 1, mode: 'drop', phase: 'after', status: undefined });
      const canceled = await client.cancelSubscription(subscriptionId);
      expect(canceled.status).toBe('canceled');
      expect((await requests('DELETE', `/api/v3/subscriptions/${subscriptionId}`)).map((r: any) => [r.status, r.fault])).toEqual([
        [null, 'drop'],
        [200, null],
      ]);
    });

    it('a portal POST is not repeated after a 5xx (Loops may have acted), but is after a 429', async () => {
      await fault({ method: 'POST', path: '/api/v3/customer-portal/sessions', times: 1 });
      const error = await failureOf(client.createPortalSession({ externalCustomerId: 'c', returnUrl: 'https://shop.example/' }, 'k-5xx'));
      expect(error.failure).toMatchObject({ kind: 'http', status: 503 });
      expect(await requests('POST', '/api/v3/customer-portal/sessions')).toHaveLength(1);
      await fault({ method: 'POST', path: '/api/v3/customer-portal/sessions', times: 1, status: 429, retryAfterSeconds: 0 });
      expect((await client.createPortalSession({ externalCustomerId: 'c', returnUrl: 'https://shop.example/' }, 'k-429')).object).toBe(
        'customer_portal.session',
      );
      expect((await requests('POST', '/api/v3/customer-portal/sessions')).map((r: any) => [r.status, r.idempotencyKey])).toEqual([
        [503, 'k-5xx'],
        [429, 'k-429'],
        [200, 'k-429'],
      ]);
    });
  });

  describe('contract drift: answers that differ from §8 fail loudly, once, as invalid_response', () => {
    let drifted: Server;
    let answer: unknown;
    let hits = 0;

    beforeAll(async () => {
      drifted = createServer((req, res) => {
        hits += 1;
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
      await new Promise<void>((resolve) => drifted.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise((resolve) => drifted.close(resolve)));

    const driftedClient = () => {
      const address = drifted.address();
      return clientFor(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    };

    it('subscription objects: a status, interval or unit §8.1 does not name, or a missing field', async () => {
      const { subscriptionId } = await subscribe();
      const good = await client.getSubscription(subscriptionId);
      const raw = (await h.api('GET', `/api/v3/subscriptions/${subscriptionId}`)).body;
      const loops = driftedClient();

      answer = { ...raw, added_later_by_loops: { anything: true } };
      expect(await loops.getSubscription(subscriptionId)).toEqual(good);

      const { current_period_end: _dropped, ...missing } = raw;
      const cases: Array<[unknown, RegExp]> = [
        [{ ...raw, status: 'paused' }, /^status: /],
        [{ ...raw, interval: 'week' }, /^interval: /],
        [{ ...raw, current_period_end: raw.current_period_end * 1000 }, /^current_period_end: /],
        [{ ...raw, amount: 15.0 + 0.5 }, /^amount: /],
        [{ ...raw, cancel_at_period_end: 'false' }, /^cancel_at_period_end: /],
        [{ ...raw, object: 'subscription_item' }, /^object: /],
        [missing, /^current_period_end: /],
        [{ object: 'list', data: [{ ...raw, trial_end: '2026-01-01' }], has_more: false }, /^data\.0\.trial_end: /],
      ];
      for (const [body, detail] of cases) {
        answer = body;
        hits = 0;
        const call =
          (body as { object?: string }).object === 'list' ? loops.listSubscriptions({ limit: 1, offset: 0 }) : loops.getSubscription(subscriptionId);
        const error = await failureOf(call);
        expect(error.failure.kind).toBe('invalid_response');
        expect(error.failure.kind === 'invalid_response' && error.failure.detail).toMatch(detail);
        expect(hits).toBe(1);
      }
    });

    it('portal sessions: no object tag, or no url', async () => {
      const loops = driftedClient();
      const base = {
        id: 'bps_1',
        object: 'customer_portal.session',
        url: 'https://portal.example/x',
        externalCustomerId: 'c',
        returnUrl: 'https://shop.example/',
        created: 1_760_000_000,
        expires_at: 1_760_003_600,
      };
      answer = base;
      expect(await loops.createPortalSession({ externalCustomerId: 'c', returnUrl: 'https://shop.example/' }, 'k')).toEqual(base);
      for (const body of [
        { ...base, object: undefined },
        { ...base, url: null },
        { ...base, url: 'portal.example/x' },
        { id: 'bps_1', url: 'https://portal.example/x' },
      ]) {
        answer = body;
        const error = await failureOf(loops.createPortalSession({ externalCustomerId: 'c', returnUrl: 'https://shop.example/' }, 'k'));
        expect(error.failure.kind).toBe('invalid_response');
      }
    });
  });
});
