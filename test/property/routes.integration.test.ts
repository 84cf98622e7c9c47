import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { IDEMPOTENCY } from '../../src/store/idempotency-store';
import { rawRequest, type RawResponse } from '../helpers/raw-http';
import { TEST_KEYS, useStack } from '../helpers/stack';
import { storedStateProbe } from '../helpers/stored-state';
import { subscriptionReadBack } from '../helpers/billing';
import { PUBLIC_ROUTES, routeName, routesRegisteredBy, STRIPE_ROUTES, type RouteIds, type StripeRoute } from '../security/routes';
import {
  builtinKeys,
  contentType,
  hostileBody,
  hostileForm,
  hostileJson,
  hostileQuery,
  hostileScalar,
  pollutionSince,
  toRequestTarget,
} from './arbitraries';

/**
 * Hostile requests on every route (docs/development.md "Habits", issue 6 "Bad input and abuse"):
 * whatever the body, query, content type or id, the answer is a 4xx in Stripe's envelope (or the
 * route's normal read), never a 5xx, and nothing is stored — in Redis or in Loops. fast-check
 * prints the seed and the shrunk request of any failure; rerun with `{ seed, path }`.
 */

const RUNS = 200;
/** Hundreds of requests, each with two Redis snapshots: a bound on a slow CI machine, not a timing goal. */
const PROPERTY_TIMEOUT_MS = 120_000;
const AUTH = `Bearer ${TEST_KEYS.gateway}`;
const STRIPE_ERROR_TYPES = ['api_error', 'card_error', 'idempotency_error', 'invalid_request_error'];

describe('hostile requests on every route', () => {
  let probe: ReturnType<typeof storedStateProbe>;
  let ids: RouteIds;
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);

  // Before useStack: after-hooks run in the order declared, so this runs while the stack is up.
  afterAll(() => {
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
    probe.close();
  });
  beforeAll(async () => {
    process.on('unhandledRejection', onCrash);
    process.on('uncaughtException', onCrash);
    // No rate limit: the properties send hundreds of requests a second with one key.
  });
  const stack = useStack(() => ({ env: { RATE_LIMIT_PER_SECOND: '0' }, background: false }));
  beforeAll(async () => {
    // Loops sends no webhooks here: the expire below would send one, and the gateway's record of it
    // could still be on its way when the first property run takes its snapshot of the store.
    await stack.loops.admin('PUT', '/_emulator/webhooks', { targets: [] });
    const stripe = stack.stripe();
    const open = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }] });
    const expired = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_poster', quantity: 2 }] });
    await stripe.checkout.sessions.expire(expired.id);
    const [event] = (await stripe.events.list({ limit: 1 })).data;
    const price = await stripe.prices.retrieve('price_mug');
    if (!event) throw new Error('expiring a session should have recorded an event');
    const customer = await stripe.customers.create({ email: 'property.customer@example.com' });
    const configuration = await stripe.billingPortal.configurations.create({ features: { subscription_cancel: { enabled: true } } });
    // The tenant's default portal configuration is made on its first use (a list): made here, so
    // a valid read among the hostile ones does not show it appearing.
    await stripe.billingPortal.configurations.list();
    // A subscription and its first invoice, brought in by the gateway's first read (Loops' webhooks are off here).
    const billing = await subscriptionReadBack(stack, stripe);
    const emptyProduct = (await stripe.products.create({ name: 'Nothing to sell yet' })).id;
    ids = {
      session: open.id,
      event: event.id,
      price: price.id,
      product: String(price.product),
      customer: customer.id,
      configuration: configuration.id,
      ...billing,
      emptyProduct,
    };
    probe = storedStateProbe(stack, () => [ids.session]);
  });
  const BUILTINS = builtinKeys();
  afterEach(() => {
    expect(crashes).toEqual([]);
    // The gateway runs in this process: a request that reached into a built-in shows here.
    expect(pollutionSince(BUILTINS)).toEqual([]);
  });

  const storedState = () => probe.snapshot();
  const changesSince = (before: Record<string, string>) => probe.changesSince(before);

  /** The invariants of every answer: no 5xx, JSON in Stripe's envelope when it is an error. */
  function expectWellFormed(response: RawResponse, what: string): unknown {
    const context = `${what} → ${response.status} ${response.text.slice(0, 300)}`;
    if (response.status >= 500) throw new Error(`5xx: ${context}`);
    if (!/^req_/.test(String(response.headers['request-id']))) throw new Error(`no Request-Id: ${context} ${JSON.stringify(response.headers)}`);
    if (!String(response.headers['content-type']).includes('application/json')) throw new Error(`not JSON: ${context}`);
    let body: unknown;
    try {
      body = JSON.parse(response.text);
    } catch {
      throw new Error(`not JSON: ${context}`);
    }
    if (response.status >= 400) {
      const error = (body as { error?: { type?: unknown; message?: unknown } }).error;
      if (!error || Object.keys(body as object).length !== 1) throw new Error(`not Stripe's error envelope: ${context}`);
      expect(STRIPE_ERROR_TYPES).toContain(error.type);
      expect(typeof error.message).toBe('string');
      expect(String(error.message).length).toBeGreaterThan(0);
    }
    return body;
  }

  it('the route table lists exactly the routes the app serves', () => {
    const table = [...STRIPE_ROUTES, ...PUBLIC_ROUTES].map(routeName).sort();
    expect(routesRegisteredBy(stack.container.app)).toEqual(table);
  });

  const idFor = (route: StripeRoute): fc.Arbitrary<string> =>
    route.owns === undefined
      ? fc.constant('')
      : fc.oneof(
          fc.constant(ids[route.owns]),
          fc.constantFrom(
            'cs_test_does_not_exist',
            'sub_test_does_not_exist',
            'in_nope',
            'evt_nope',
            '__proto__',
            'constructor',
            'toString',
            '%FF%FE',
            '%2F..%2F..',
            '..',
            '%00',
            'x'.repeat(3000),
          ),
          fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map(toRequestTarget),
        );

  /** One hostile request against a Stripe route: any body, query, content type and id. */
  const stripeRequest = fc.constantFrom(...STRIPE_ROUTES).chain((route) =>
    fc.record({
      route: fc.constant(route),
      id: idFor(route),
      query: fc.option(hostileQuery, { nil: undefined }),
      body: fc.option(hostileBody, { nil: undefined }),
      contentType,
      stripeVersion: fc.option(fc.constantFrom('', 'garbage', '2020-08-27', '1999-01-01; x=y', '\u00e9'), { nil: undefined }),
      // A third of the requests carry a fresh Idempotency-Key (some too long, some Latin-1).
      idempotencyKey: fc.oneof(
        { weight: 2, arbitrary: fc.constant(undefined) },
        {
          weight: 1,
          arbitrary: fc.constantFrom('short', 'k'.repeat(256), '\u00ff\u00fe', '  padded  '),
        },
      ),
    }),
  );

  it(
    `Stripe routes: hostile bodies, queries and ids never 5xx, always Stripe's envelope, never store anything (${RUNS * 2} runs)`,
    async () => {
      let idempotentRetries = 0;
      await fc.assert(
        fc.asyncProperty(stripeRequest, async ({ route, id, query, body, contentType: type, stripeVersion, idempotencyKey: keyKind }) => {
          // Fresh on every execution, shrinking included: a key a previous run used would replay.
          const idempotencyKey = keyKind === undefined ? undefined : `${keyKind}-${randomBytes(6).toString('hex')}`;
          const base = route.owns ? route.path({ ...ids, [route.owns]: id }) : route.path(ids);
          // An update or expiry of an existing session with an empty or valid bag would rightly
          // succeed; one parameter no endpoint has keeps every such request hostile.
          const sentinel = route.mutates && route.pattern !== '/v1/checkout/sessions' ? 'zz_hostile_sentinel=1' : '';
          const search = [query, sentinel].filter(Boolean).join('&');
          const headers: Record<string, string> = { authorization: AUTH };
          if (type !== undefined) headers['content-type'] = type;
          if (stripeVersion !== undefined) headers['stripe-version'] = stripeVersion;
          if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
          const target = search ? `${base}${base.includes('?') ? '&' : '?'}${search}` : base;
          const what = `${route.method} ${target}`;
          const before = await storedState();
          const builtinsBefore = builtinKeys();
          const response = await rawRequest(stack.url, { method: route.method, path: target, headers, body });
          expectWellFormed(response, what);
          expect(pollutionSince(builtinsBefore)).toEqual([]);
          // Hostile writes are refused; reads may answer 200 but change nothing.
          if (route.method === 'POST') expect(response.status).toBeGreaterThanOrEqual(400);
          const changes = await changesSince(before);
          // A POST with an Idempotency-Key pins its operation's start time (idempotency-store.ts)
          // even when it is then refused: bookkeeping no client sees, and it expires by itself.
          const pins = changes.filter((change) => idempotencyKey !== undefined && /^\+.*:operation:[0-9a-f]{64}$/.test(change));
          for (const pin of pins) expect(await probe.redis.ttl(pin.slice(1))).toBeGreaterThan(0);
          for (const pin of pins) expect(await probe.redis.ttl(pin.slice(1))).toBeLessThanOrEqual(IDEMPOTENCY.retentionSeconds);
          expect(changes.filter((change) => !pins.includes(change))).toEqual([]);

          if (route.method === 'POST' && idempotencyKey !== undefined && idempotencyKey.length <= 255) {
            // The refused request did not take the key: a valid request with it now really runs.
            const retry = await rawRequest(stack.url, {
              method: 'POST',
              path: '/v1/checkout/sessions',
              headers: { authorization: AUTH, 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': idempotencyKey },
              body: STRIPE_ROUTES[0]?.validBody(ids),
            });
            expect(retry.status).toBe(200);
            expect(retry.headers['idempotent-replayed']).toBeUndefined();
            idempotentRetries += 1;
          }
        }),
        { numRuns: RUNS * 2 },
      );
      // The retry branch must have run, or the idempotency half of the property tested nothing.
      expect(idempotentRetries).toBeGreaterThan(0);
    },
    PROPERTY_TIMEOUT_MS,
  );

  const methodAndPath = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
    path: fc.oneof(
      fc.array(fc.oneof(hostileScalar, fc.constantFrom('v1', 'checkout', 'sessions', 'webhooks', 'loops', '_emulator')), {
        minLength: 1,
        maxLength: 5,
      }),
      fc.constant<string[]>(['v1', 'checkout', 'sessions', 'cs_test_unknown', 'line_items', 'extra']),
    ),
    // Raw segments keep `%zz`, `..` and friends as they are; encoded ones are what clients send.
    raw: fc.boolean(),
    auth: fc.boolean(),
    body: fc.option(hostileBody, { nil: undefined }),
  });

  it(
    `unknown paths and methods: a JSON 404 (or 401 without a key), never a 5xx, nothing stored (${RUNS} runs)`,
    async () => {
      const known = new Set([...STRIPE_ROUTES, ...PUBLIC_ROUTES].map(routeName));
      await fc.assert(
        fc.asyncProperty(methodAndPath, async ({ method, path, raw, auth, body }) => {
          const target = `/${path.map((segment) => toRequestTarget(raw ? segment : encodeURIComponent(segment))).join('/')}`;
          // A random path that happens to be a real route is another property's business.
          fc.pre(![...known].some((name) => name.startsWith(`${method} `) && matches(name.slice(method.length + 1), target)));
          const before = await storedState();
          const response = await rawRequest(stack.url, { method, path: target, headers: auth ? { authorization: AUTH } : {}, body });
          const what = `${method} ${target}`;
          if (method === 'OPTIONS' || response.status === 404 || response.status === 401 || response.status === 400 || response.status === 413) {
            expectWellFormed(response, what);
          } else {
            throw new Error(`unexpected ${response.status} for ${what}: ${response.text.slice(0, 200)}`);
          }
          expect(await changesSince(before)).toEqual([]);
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  const publicRequest = fc.record({
    route: fc.constantFrom(...PUBLIC_ROUTES),
    tenant: fc.oneof(
      fc.constant('default'),
      hostileScalar.filter((s) => s.length > 0).map((s) => toRequestTarget(encodeURIComponent(s))),
    ),
    query: fc.option(hostileQuery, { nil: undefined }),
    body: fc.option(
      fc.oneof(
        hostileBody,
        hostileJson.map((text) => Buffer.from(text)),
      ),
      { nil: undefined },
    ),
    contentType,
    signature: fc.option(
      fc.oneof(
        hostileScalar.map((s) => s.replace(/[^\x20-\x7e]/g, '')),
        fc
          .tuple(fc.integer({ min: -1, max: 4_000_000_000 }), fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), maxLength: 70 }))
          .map(([t, v]) => `t=${t},v1=${v}`),
        fc.constant(`t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`),
      ),
      { nil: undefined },
    ),
  });

  it(
    `public routes (health, metrics, Loops webhooks): hostile input never 5xx and changes nothing (${RUNS} runs)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(publicRequest, async ({ route, tenant, query, body, contentType: type, signature }) => {
          const base = route.pattern === '/webhooks/loops/:tenant' ? `/webhooks/loops/${tenant}` : route.path;
          const path = query ? `${base}?${query}` : base;
          const headers: Record<string, string> = {};
          if (type !== undefined) headers['content-type'] = type;
          if (signature !== undefined) headers['x-loops-signature'] = signature;
          const before = await storedState();
          const response = await rawRequest(stack.url, { method: route.method, path, headers, body });
          if (route.body === 'prometheus' && response.status === 200) {
            expect(String(response.headers['content-type'])).toContain('text/plain');
          } else {
            expectWellFormed(response, `${route.method} ${path}`);
          }
          // Health and metrics are reads; an unsigned or wrongly signed webhook is refused.
          if (route.method === 'POST') expect(response.status).toBeGreaterThanOrEqual(400);
          expect(await changesSince(before)).toEqual([]);
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    `correctly signed but malformed Loops webhooks: a 4xx or an acknowledgement, never a 5xx (${RUNS} runs)`,
    async () => {
      // Loops (or whoever holds the secret) sending junk must not crash the gateway or make Loops
      // retry forever; an envelope the gateway does not understand is refused with a 400.
      await fc.assert(
        fc.asyncProperty(fc.oneof(hostileJson, hostileForm, fc.string({ unit: 'binary', maxLength: 100 })), async (text) => {
          const t = Math.floor(Date.now() / 1000);
          const before = await storedState();
          const signature = createHmac('sha256', TEST_KEYS.loopsWebhook).update(`${t}.${text}`).digest('hex');
          const response = await rawRequest(stack.url, {
            method: 'POST',
            path: '/webhooks/loops',
            headers: { 'content-type': 'application/json', 'x-loops-signature': `t=${t},v1=${signature}` },
            body: Buffer.from(text, 'utf8'),
          });
          const body = expectWellFormed(response, `signed webhook ${text.slice(0, 200)}`);
          // The one 4xx that keeps something: a known event type with an unexpected shape is kept
          // for an operator (docs/webhooks.md, "Incoming"), and nothing else changes.
          const kept = (change: string) => /unexpected shape/.test(JSON.stringify(body)) && change.includes(':loops-event:');
          if (response.status >= 400) expect((await changesSince(before)).filter((change) => !kept(change))).toEqual([]);
          else expect(body).toEqual({ received: true, outcome: expect.stringMatching(/^(processed|duplicate|ignored)$/) });
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

/** Whether a request path matches a router pattern like `/v1/checkout/sessions/:id`. */
function matches(pattern: string, path: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/:[a-z]+/g, '[^/]+')}/?$`);
  return regex.test(path);
}
