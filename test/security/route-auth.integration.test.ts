import { readMappingFile } from '../../src/mappings/mapping-files';
import { loopsSignature } from '../helpers/loops-webhooks';
import { rawRequest, type RawResponse } from '../helpers/raw-http';
import { loopsWebhookSecretFor, TEST_KEYS, useStack } from '../helpers/stack';
import { storedStateProbe } from '../helpers/stored-state';
import { subscriptionReadBack } from '../helpers/billing';
import { PUBLIC_ROUTES, routeName, STRIPE_ROUTES, type RouteIds, type StripeRoute } from './routes';

/**
 * One security test for every route (issue 6 "Security"): without a key, with a wrong or garbled
 * key, and with another tenant's key on this tenant's ids. Two tenants; `acme` owns the objects,
 * `globex` is the other merchant. Public routes need no key and show no secret.
 */

const ACME = 'sk_test_acme_security_suite_key_0001';
const GLOBEX = 'sk_test_globex_security_suite_key_0002';
const ACME_WHSEC = 'whsec_test_acme_security_not_real_01';
const GLOBEX_WHSEC = 'whsec_test_globex_security_not_real_2';
const WRONG = 'sk_test_wrong_key_nobody_configured_9999';
/** Only acme maps this price (and its product); globex's mapping is the catalog without it. */
const ACME_ONLY_PRICE = 'price_poster';

const ACME_LOOPS_WHSEC = loopsWebhookSecretFor('acme');
const GLOBEX_LOOPS_WHSEC = loopsWebhookSecretFor('globex');

const SECRETS = [ACME, GLOBEX, ACME_WHSEC, GLOBEX_WHSEC, WRONG, TEST_KEYS.loops, TEST_KEYS.loopsWebhook, ACME_LOOPS_WHSEC, GLOBEX_LOOPS_WHSEC];
/** A probe parameter no endpoint has: once a key is accepted, the request stops at a harmless 400. */
const PROBE = 'zz_security_probe=1';

describe('security: every route', () => {
  let ids: RouteIds;
  let probe: ReturnType<typeof storedStateProbe>;

  // Before useStack: after-hooks run in the order declared, so this runs while the stack is up.
  afterAll(() => {
    probe.close();
  });
  const stack = useStack({
    tenants: [
      { id: 'acme', apiKeys: [ACME], webhookSecrets: [ACME_WHSEC] },
      { id: 'globex', apiKeys: [GLOBEX], webhookSecrets: [GLOBEX_WHSEC] },
    ],
    env: { RATE_LIMIT_PER_SECOND: '0' },
    // No background work: nothing may change the store while a test compares before and after.
    background: false,
  });
  beforeAll(async () => {
    const file = await readMappingFile(stack.mappingsDir, 'globex');
    const product = file.prices[ACME_ONLY_PRICE]?.stripeProductId;
    if (!product) throw new Error(`the catalog should map ${ACME_ONLY_PRICE} to a product`);
    delete file.prices[ACME_ONLY_PRICE];
    delete file.products[product];
    await stack.container.stores.mappings.replaceAll('globex', file);
    // Loops' own webhooks would land while a test compares before and after; none are needed here.
    // Off before the expire below: its webhook, sent as Loops expires the session, could otherwise
    // still be on its way (and write the gateway's record of it) when the first test takes its snapshot.
    await stack.loops.admin('PUT', '/_emulator/webhooks', { targets: [] });

    const acme = stack.stripe({ key: ACME, maxNetworkRetries: 0 });
    const session = await acme.checkout.sessions.create({ mode: 'payment', line_items: [{ price: ACME_ONLY_PRICE, quantity: 1 }] });
    const other = await acme.checkout.sessions.create({ mode: 'payment', line_items: [{ price: ACME_ONLY_PRICE, quantity: 1 }] });
    await acme.checkout.sessions.expire(other.id);
    const [event] = (await acme.events.list({ limit: 1 })).data;
    if (!event) throw new Error('expiring a session should have recorded an event');
    const customer = await acme.customers.create({ email: 'acme.customer@example.com' });
    const configuration = await acme.billingPortal.configurations.create({ features: { subscription_cancel: { enabled: true } } });
    // Each tenant's default portal configuration is made on its first use (a list): made here, so
    // no test's before-and-after comparison sees it appear.
    await stack.stripe({ key: GLOBEX, maxNetworkRetries: 0 }).billingPortal.configurations.list();
    // A subscription and its first invoice, brought in by the gateway's first read (Loops' webhooks are off here).
    const billing = await subscriptionReadBack(stack, acme);
    const emptyProduct = (await acme.products.create({ name: 'Nothing to sell yet' })).id;
    ids = {
      session: session.id,
      event: event.id,
      price: ACME_ONLY_PRICE,
      product,
      customer: customer.id,
      configuration: configuration.id,
      ...billing,
      emptyProduct,
    };
    probe = storedStateProbe(stack, () => [ids.session]);
  });

  /** Sends a request and checks what every answer must be: JSON, no 5xx, no secret anywhere in it. */
  async function send(route: { method: string }, path: string, authorization: string | undefined, body = ''): Promise<RawResponse> {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (authorization !== undefined) headers.authorization = authorization;
    const response = await rawRequest(stack.url, { method: route.method, path, headers, body: route.method === 'POST' ? body : undefined });
    expect(response.status).toBeLessThan(500);
    const everything = `${JSON.stringify(response.headers)}\n${response.text}`;
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
    return response;
  }
  const errorOf = (response: RawResponse) =>
    (JSON.parse(response.text) as { error: { type: string; code?: string; message: string; param?: string } }).error;
  const pathOf = (route: StripeRoute) => route.path(ids);
  const withProbe = (path: string) => `${path}${path.includes('?') ? '&' : '?'}${PROBE}`;

  describe.each(STRIPE_ROUTES.map((route) => [routeName(route), route] as const))('%s', (_name, route) => {
    it('without a key: 401 in Stripe’s envelope, nothing changed', async () => {
      const before = await probe.snapshot();
      const response = await send(route, pathOf(route), undefined, route.validBody(ids));
      expect(response.status).toBe(401);
      expect(errorOf(response)).toEqual({ type: 'invalid_request_error', message: expect.stringContaining('You did not provide an API key') });
      expect(await probe.changesSince(before)).toEqual([]);
    });

    it.each([
      ['a key nobody configured', WRONG],
      ['a tenant’s key minus its last character', ACME.slice(0, -1)],
      ['a tenant’s key plus one character', `${ACME}x`],
      ['a tenant’s key in upper case', ACME.toUpperCase()],
      ['a live-mode twin of a test key', ACME.replace('sk_test_', 'sk_live_')],
      ['the Loops API key', TEST_KEYS.loops],
      ['a webhook signing secret', ACME_WHSEC],
    ])('with %s: 401, the key never repeated in full, nothing changed', async (_what, key) => {
      const before = await probe.snapshot();
      for (const authorization of [`Bearer ${key}`, `Basic ${Buffer.from(`${key}:`).toString('base64')}`]) {
        const response = await send(route, pathOf(route), authorization, route.validBody(ids));
        expect(response.status).toBe(401);
        const error = errorOf(response);
        expect(error).toEqual({ type: 'invalid_request_error', message: expect.stringMatching(/^Invalid API Key provided: /) });
        expect(error.message).not.toContain(key);
        // Enough to recognise the key (its last four characters), not enough to use it.
        expect(error.message).toContain(key.slice(-4));
      }
      expect(await probe.changesSince(before)).toEqual([]);
    });

    it.each([
      ['"Bearer" alone', 'Bearer', 'rejected'],
      ['"Bearer " with nothing after it', 'Bearer ', 'rejected'],
      ['"Basic" with garbage', 'Basic !!!not-base64%%%', 'rejected'],
      ['"Basic" with an empty user', `Basic ${Buffer.from(`:${ACME}`).toString('base64')}`, 'rejected'],
      ['"Basic" without a colon', `Basic ${Buffer.from('no-colon-here').toString('base64')}`, 'rejected'],
      ['another scheme', `Token ${ACME}`, 'rejected'],
      ['no scheme', ACME, 'rejected'],
      ['a quoted key', `Bearer "${ACME}"`, 'rejected'],
      ['a very long key', `Bearer sk_test_${'x'.repeat(8000)}`, 'rejected'],
      ['control-looking bytes', `Bearer ${ACME}\u00ff`, 'rejected'],
      ['two spaces', `Bearer  ${ACME}`, 'accepted'],
      ['a lower-case scheme', `bearer ${ACME}`, 'accepted'],
      ['a trailing space', `Bearer ${ACME} `, 'accepted'],
      ['a tab', `Bearer\t${ACME}`, 'accepted'],
      ['Basic with the key as user', `Basic ${Buffer.from(`${ACME}:`).toString('base64')}`, 'accepted'],
    ])('with %s: 401 or handled as that key, never a 5xx, nothing changed', async (_what, authorization, expected) => {
      const before = await probe.snapshot();
      // The probe parameter turns an accepted key into a harmless 400, so nothing can change.
      const response = await send(route, withProbe(pathOf(route)), authorization, route.validBody(ids));
      if (expected === 'rejected') {
        expect(response.status).toBe(401);
        expect(errorOf(response).type).toBe('invalid_request_error');
      } else {
        expect(response.status).toBe(400);
        expect(errorOf(response)).toMatchObject({ code: 'parameter_unknown', param: 'zz_security_probe' });
      }
      expect(await probe.changesSince(before)).toEqual([]);
    });

    it('with the other tenant’s key on this tenant’s ids: resource_missing, nothing changed; the owner’s key works', async () => {
      let before = await probe.snapshot();
      const globex = `Bearer ${GLOBEX}`;
      if (route.owns) {
        const response = await send(route, pathOf(route), globex, route.validBody(ids));
        expect(response.status).toBe(404);
        expect(errorOf(response)).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing' });
        expect(errorOf(response).message).toContain(ids[route.owns]);
      } else if (route.finds) {
        // A search finds only the tenant's own objects.
        const found = await send(route, pathOf(route), globex);
        expect(found.status).toBe(200);
        expect(found.text).not.toContain(ids[route.finds]);
      } else if (route.ownCreate) {
        // Another tenant's create makes its own object: every change is in its namespace, none in acme's.
        const response = await send(route, pathOf(route), globex, route.validBody(ids));
        expect(response.status).toBe(200);
        const changes = await probe.changesSince(before);
        expect(changes.length).toBeGreaterThan(0);
        expect(changes.filter((change) => !change.includes(':{globex}:'))).toEqual([]);
        const createdPath = route.createdPath ?? ((id: string) => `/v1/customers/${id}`);
        expect((await send({ method: 'GET' }, createdPath(JSON.parse(response.text).id), `Bearer ${ACME}`)).status).toBe(404);
        const owner = await send(route, pathOf(route), `Bearer ${ACME}`, route.validBody(ids));
        expect(owner.status).toBe(200);
        return;
      } else if (route.cursor) {
        const listed = await send(route, `${pathOf(route)}?limit=100`, globex);
        expect(listed.status).toBe(200);
        expect(listed.text).not.toContain(ids[route.cursor]);
        const paged = await send(route, `${pathOf(route)}?starting_after=${ids[route.cursor]}`, globex);
        expect(paged.status).toBe(400);
        expect(errorOf(paged)).toMatchObject({ code: 'resource_missing', param: 'starting_after' });
      } else {
        // Create: the other tenant's price (or customer, or product) is not one here.
        const response = await send(route, pathOf(route), globex, route.validBody(ids));
        expect(response.status).toBe(400);
        expect(errorOf(response)).toMatchObject({ code: 'resource_missing', message: expect.stringContaining(ids[route.names ?? 'price']) });
      }
      expect(await probe.changesSince(before)).toEqual([]);

      // The control: the same request with the owner's key succeeds, so the ids were real.
      const owner = await send(route, pathOf(route), `Bearer ${ACME}`, route.validBody(ids));
      expect(owner.status).toBe(200);
      if (route.finds) expect(owner.text).toContain(ids[route.finds]);
    });
  });

  describe.each(PUBLIC_ROUTES.map((route) => [routeName(route), route] as const))('%s (public)', (_name, route) => {
    it('needs no Stripe key, ignores one, and shows no secret', async () => {
      const path = route.pattern.replace(':tenant', 'acme');
      for (const authorization of [undefined, `Bearer ${WRONG}`, `Bearer ${ACME}`, 'Basic !!!']) {
        const before = await probe.snapshot();
        const response = await send(route, path, authorization, '{}');
        if (route.method === 'GET') {
          expect(response.status).toBe(200);
        } else {
          // A Loops webhook answers to its signature, never to a Stripe key; the unnamed path
          // serves the `default` tenant, which this two-tenant gateway lacks, and answers the same
          // (tenant-enumeration.integration.test.ts).
          expect(response.status).toBe(400);
          expect(errorOf(response).message).toMatch(/Invalid Loops webhook signature: missing signature header/);
        }
        expect(await probe.changesSince(before)).toEqual([]);
      }
    });
  });

  it('the Loops webhook route of an unknown tenant answers as a known one does, naming no tenant', async () => {
    const response = await send({ method: 'POST' }, '/webhooks/loops/initech', undefined, '{}');
    expect(response.status).toBe(400);
    expect(errorOf(response).message).toBe('Invalid Loops webhook signature: missing signature header.');
    expect(response.text).not.toMatch(/acme|globex|initech/);
  });

  /**
   * Each tenant has its own Loops webhook secret, chosen by the tenant in the path. An acme session
   * that Loops says is paid: only acme's path with acme's secret may settle it.
   */
  describe('Loops webhooks across tenants', () => {
    let session: string;
    let sessionProbe: ReturnType<typeof storedStateProbe>;
    let paid: string;
    let eventCount = 0;

    beforeAll(async () => {
      const acme = stack.stripe({ key: ACME, maxNetworkRetries: 0 });
      session = (await acme.checkout.sessions.create({ mode: 'payment', line_items: [{ price: ACME_ONLY_PRICE, quantity: 1 }] })).id;
      const loops = await stack.loops.api('GET', `/api/v3/checkout/sessions/${session}`);
      expect(loops.status).toBe(200);
      paid = JSON.stringify({ object: { ...loops.json, payment_status: 'paid', status: 'complete' } });
      sessionProbe = storedStateProbe(stack, () => [session]);
    });
    afterAll(() => sessionProbe.close());

    /** A fresh Loops event id each time, so no answer is a `duplicate` of an earlier test's. */
    const paidEvent = () =>
      `{"id":"evt_cross_tenant_${++eventCount}","object":"event","type":"checkout.session.completed","created":${Math.floor(Date.now() / 1000)},"data":${paid}}`;
    const postLoops = async (tenant: string, body: string, secret: string) => {
      const response = await rawRequest(stack.url, {
        method: 'POST',
        path: `/webhooks/loops/${tenant}`,
        headers: { 'content-type': 'application/json', 'x-loops-signature': loopsSignature(body, undefined, secret) },
        body,
      });
      expect(response.status).toBeLessThan(500);
      for (const secretValue of SECRETS) expect(`${JSON.stringify(response.headers)}\n${response.text}`).not.toContain(secretValue);
      return response;
    };
    const acmeSessionStatus = async () => (await stack.stripe({ key: ACME, maxNetworkRetries: 0 }).checkout.sessions.retrieve(session)).status;

    it.each([
      ['acme’s secret on globex’s path', 'globex', ACME_LOOPS_WHSEC],
      ['globex’s secret on acme’s path', 'acme', GLOBEX_LOOPS_WHSEC],
      ['the single-tenant secret on acme’s path', 'acme', TEST_KEYS.loopsWebhook],
    ])('signed with %s: 400 bad signature, nothing changed', async (_what, tenant, secret) => {
      const before = await sessionProbe.snapshot();
      const response = await postLoops(tenant, paidEvent(), secret);
      expect(response.status).toBe(400);
      expect(errorOf(response).message).toMatch(/^Invalid Loops webhook signature: /);
      expect(await sessionProbe.changesSince(before)).toEqual([]);
      expect(await acmeSessionStatus()).toBe('open');
    });

    it('correctly signed for globex but naming acme’s session: 200 "ignored", recorded only under globex, acme’s session untouched', async () => {
      const before = await sessionProbe.snapshot();
      const response = await postLoops('globex', paidEvent(), GLOBEX_LOOPS_WHSEC);
      expect(response.status).toBe(200);
      // globex has no such session: the event is kept with its raw body (30 days) for an operator,
      // and acknowledged so Loops does not retry it for days.
      expect(JSON.parse(response.text)).toEqual({ received: true, outcome: 'ignored' });
      const changes = await sessionProbe.changesSince(before);
      const globexKeys = `+${stack.env.REDIS_KEY_PREFIX}:{globex}:loops-event:`;
      expect(changes).toEqual([expect.stringMatching(new RegExp(`^${globexKeys.replace(/[{}+]/g, '\\$&')}`))]);
      const stored = await sessionProbe.redis.get((changes[0] ?? '').slice(1));
      expect(JSON.parse(stored ?? '{}')).toMatchObject({ outcome: 'unknown_session', type: 'checkout.session.completed' });
      expect(await acmeSessionStatus()).toBe('open');
      expect((await stack.stripe({ key: ACME, maxNetworkRetries: 0 }).events.list({ type: 'checkout.session.completed', limit: 100 })).data).toEqual(
        [],
      );
    });

    it('the control: the same event signed with acme’s secret on acme’s path completes the session', async () => {
      const response = await postLoops('acme', paidEvent(), ACME_LOOPS_WHSEC);
      expect(response.status).toBe(200);
      expect(JSON.parse(response.text)).toEqual({ received: true, outcome: 'processed' });
      expect(await acmeSessionStatus()).toBe('complete');
    });
  });

  it('the "nothing changed" probe sees the delivery queue too (its keys are `{prefix:queue}:…`)', async () => {
    const before = await probe.snapshot();
    // Last in this file: the job stays queued (no worker runs here), which no later test sees.
    await stack.container.queue.enqueue([{ tenantId: 'acme', eventId: 'evt_probe_positive_control', endpointUrl: 'http://127.0.0.1:9/never' }]);
    const changes = await probe.changesSince(before);
    expect(changes.length).toBeGreaterThan(0);
    expect(
      changes.every(
        (change) => change.startsWith(`+{${stack.env.REDIS_KEY_PREFIX}:queue}:`) || change.startsWith(`~{${stack.env.REDIS_KEY_PREFIX}:queue}:`),
      ),
    ).toBe(true);
  });
});
