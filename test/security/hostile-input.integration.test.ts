import Redis from 'ioredis';
import { subscriptionReadBack } from '../helpers/billing';
import { tenantKeys } from '../../src/store/keys';
import { DRILL_KEY, startDrill, waitUntil, type Drill } from '../helpers/drill-stack';
import type { GatewayProcess } from '../helpers/gateway-process';
import { fillToLimit, NEAR_LIMIT } from '../helpers/hostile-bodies';
import { rawRequest, type RawResponse } from '../helpers/raw-http';
import { STRIPE_ROUTES, routeName, type RouteIds } from './routes';

/**
 * Hostile input that used to cost the whole process (issue 10 "Hardening"): a regular expression
 * built from `GET /v1/events?type=`, request bodies whose decoding and validation cost grew far
 * beyond their size, ids that reached Redis keys of another type, and values Stripe refuses. The
 * gateway runs as its own process (src/main.ts), so a request that pins its CPU cannot stop this
 * test from watching: every hostile request must be answered within a generous bound while
 * `/healthz`, polled all along, keeps answering.
 */

/** Bounds on a busy CI machine, not timing goals (those are in bench/sections/hostile-input). */
const ANSWER_WITHIN_MS = 5_000;
const HEALTH_WITHIN_MS = 2_000;
/** Hostile bodies are sent this many at once: a cost of 0.5 s each then stalls /healthz for seconds. */
const BURST = 8;

const AUTH = { authorization: `Bearer ${DRILL_KEY}` };
const FORM = { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { ...AUTH, 'content-type': 'application/json' };

interface Probed {
  responses: RawResponse[];
  health: { answered: number; failures: string[]; worstMs: number };
}

describe('hostile input: answered in bounded time, /healthz answering meanwhile', () => {
  let drill: Drill;
  let gateway: GatewayProcess;
  let redis: Redis;
  let ids: RouteIds;

  beforeAll(async () => {
    drill = await startDrill({ redisUrl: process.env.REDIS_URL ?? '' });
    gateway = await drill.startGateway();
    redis = new Redis(drill.env.REDIS_URL ?? '', { maxRetriesPerRequest: 1 });
    const stripe = drill.stripe(gateway, 0);
    const open = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }] });
    // A few stored events, delivered: each has the set of endpoints that got it beside it.
    for (let i = 0; i < 3; i++) {
      const session = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }] });
      await stripe.checkout.sessions.expire(session.id);
    }
    const [event] = (await stripe.events.list({ limit: 1 })).data;
    if (!event) throw new Error('expiring sessions should have recorded events');
    await waitUntil('the events to be delivered', async () => drill.receiver.accepted().length >= 3, 20_000);
    const price = await stripe.prices.retrieve('price_mug');
    const customer = await stripe.customers.create({ email: 'hostile@example.com' });
    const configuration = await stripe.billingPortal.configurations.create({ features: { subscription_cancel: { enabled: true } } });
    ids = {
      session: open.id,
      event: event.id,
      price: price.id,
      product: String(price.product),
      customer: customer.id,
      configuration: configuration.id,
      ...(await subscriptionReadBack(drill, stripe)),
      emptyProduct: (await stripe.products.create({ name: 'Nothing to sell yet' })).id,
    };
  }, 120_000);

  afterAll(async () => {
    redis?.disconnect();
    await drill?.close();
  });

  const send = (method: string, path: string, headers: Record<string, string> = AUTH, body?: string) =>
    rawRequest(gateway.url, { method, path, headers, body, signal: AbortSignal.timeout(ANSWER_WITHIN_MS) }).catch((error: Error) => {
      throw new Error(`${method} ${path.slice(0, 120)}: no answer within ${ANSWER_WITHIN_MS} ms (${error.message})`);
    });

  /** Runs the requests at once while polling /healthz, until all are answered. */
  async function whileProbingHealth(requests: (() => Promise<RawResponse>)[]): Promise<Probed> {
    const health: Probed['health'] = { answered: 0, failures: [], worstMs: 0 };
    let running = true;
    const probe = (async () => {
      while (running) {
        const started = performance.now();
        try {
          const answer = await rawRequest(gateway.url, { method: 'GET', path: '/healthz', signal: AbortSignal.timeout(HEALTH_WITHIN_MS) });
          if (answer.status === 200) health.answered += 1;
          else health.failures.push(`status ${answer.status}`);
        } catch (error) {
          health.failures.push((error as Error).message);
        }
        health.worstMs = Math.max(health.worstMs, performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      return { responses: await Promise.all(requests.map((request) => request())), health };
    } finally {
      running = false;
      await probe;
    }
  }

  function expectHealthy(probed: Probed): void {
    expect(probed.health.failures).toEqual([]);
    expect(probed.health.answered).toBeGreaterThan(0);
    expect(probed.health.worstMs).toBeLessThan(HEALTH_WITHIN_MS);
  }

  const errorOf = (response: RawResponse) =>
    (JSON.parse(response.text) as { error: { type: string; code?: string; message: string; param?: string } }).error;

  describe('GET /v1/events?type=: a pattern of whole parts, never a regular expression', () => {
    it.each([
      ['the pattern that pinned the CPU', '***********************x', 400],
      ['a long run of stars', `${'*'.repeat(250)}x`, 400],
      ['a star in a part', 'checkout.sess*', 400],
      ['many whole-part stars', `${'*.'.repeat(120)}x`, 200],
      ['nested quantifiers', '(a+)+$', 200],
      ['dot-stars', '.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*x', 400],
      ['an unclosed class', '[', 200],
      ['a lone backslash', '\\', 200],
      ['anchors', '^checkout.session.expired$', 200],
      ['a look-ahead', '(?=checkout)checkout.session.expired', 200],
      ['a valid wildcard', 'checkout.session.*', 200],
    ])('%s', async (_what, pattern, status) => {
      const probed = await whileProbingHealth([() => send('GET', `/v1/events?type=${encodeURIComponent(pattern)}&limit=100`)]);
      expectHealthy(probed);
      const [response] = probed.responses;
      expect(response?.status).toBe(status);
      if (status === 400) expect(errorOf(response as RawResponse)).toMatchObject({ type: 'invalid_request_error', param: 'type' });
      else {
        const listed = (JSON.parse(response?.text ?? '{}') as { data: { type: string }[] }).data.map((event) => event.type);
        // Only the wildcard names types; every other pattern is literal text that names none.
        expect(listed).toEqual(pattern === 'checkout.session.*' ? expect.arrayContaining(['checkout.session.expired']) : []);
      }
    });

    it('types[] are compared as text too', async () => {
      const types = ['***********************x', '(a+)+$', '.*', 'checkout.session.expired'];
      const query = types.map((type) => `types[]=${encodeURIComponent(type)}`).join('&');
      const probed = await whileProbingHealth([() => send('GET', `/v1/events?${query}&limit=100`)]);
      expectHealthy(probed);
      const listed = (JSON.parse(probed.responses[0]?.text ?? '{}') as { data: { type: string }[] }).data.map((event) => event.type);
      expect(new Set(listed)).toEqual(new Set(['checkout.session.expired']));
    });
  });

  describe('bodies that cost far more than their size', () => {
    const bodies: [string, Record<string, string>, () => string][] = [
      ['JSON: a megabyte of empty line items', JSON_TYPE, () => fillToLimit('{"line_items":[', () => '{}', ']}', ',')],
      ['JSON: a megabyte of empty lists', JSON_TYPE, () => fillToLimit('{"line_items":[', () => '[]', ']}', ',')],
      ['JSON: a megabyte of metadata keys', JSON_TYPE, () => fillToLimit('{"metadata":{', (i) => `"k${i}":""`, '}}', ',')],
      ['JSON: 400,000 nested lists', JSON_TYPE, () => `{"line_items":${'['.repeat(400_000)}${']'.repeat(400_000)}}`],
      [
        'JSON: 5,000 values (the most a body may carry) and a megabyte of commas in a string',
        JSON_TYPE,
        () => JSON.stringify({ a: ','.repeat(900_000), metadata: Object.fromEntries(Array.from({ length: 4990 }, (_, i) => [`k${i}`, ''])) }),
      ],
      ['form: line_items[][x]= flood', FORM, () => fillToLimit('', () => 'line_items[][x]=', '', '&')],
      ['form: line_items[i][x]= flood', FORM, () => fillToLimit('', (i) => `line_items[${i}][x]=`, '', '&')],
      ['form: deep names flood', FORM, () => fillToLimit('', (i) => `line_items[${i}][price_data][product_data][metadata][k]=`, '', '&')],
      ['form: a megabyte of separators', FORM, () => '&'.repeat(NEAR_LIMIT)],
      ['form: a megabyte of pluses', FORM, () => `metadata[a]=${'+'.repeat(NEAR_LIMIT - 20)}`],
      ['form: 2,000 long unknown names', FORM, () => Array.from({ length: 2000 }, (_, i) => `${'k'.repeat(480)}${i}=`).join('&')],
    ];

    it.each(bodies)('%s: a 400 for each of a burst, /healthz answering', async (_what, headers, body) => {
      const text = body();
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(NEAR_LIMIT);
      const created = await sessionsInLoops();
      const probed = await whileProbingHealth([
        ...Array.from({ length: BURST }, () => () => send('POST', '/v1/checkout/sessions', headers, text)),
        // An update reads and decodes its body too; the unknown query parameter keeps it a 400
        // whatever the body (a body of separators alone would be a valid empty update).
        () => send('POST', `/v1/checkout/sessions/${ids.session}?zz_hostile=1`, headers, text),
      ]);
      expectHealthy(probed);
      for (const response of probed.responses) {
        expect(response.status).toBe(400);
        expect(errorOf(response).type).toBe('invalid_request_error');
      }
      expect(await sessionsInLoops()).toBe(created);
    });
  });

  /** Every `list(...)` of the parameter schemas, on a route that takes it, with its cap. */
  const LISTS: {
    route: string;
    method: 'GET' | 'POST' | 'DELETE';
    path: () => string;
    param: string;
    name: string;
    cap: number;
    item: string;
    base?: string;
    headers?: Record<string, string>;
  }[] = [
    {
      route: 'POST /v1/checkout/sessions',
      method: 'POST',
      path: () => '/v1/checkout/sessions',
      param: 'line_items',
      name: 'line_items',
      cap: 100,
      item: '[price]=price_mug',
    },
    {
      route: 'POST /v1/checkout/sessions',
      method: 'POST',
      path: () => '/v1/checkout/sessions',
      param: 'line_items[0][price_data][product_data][images]',
      name: 'line_items[0][price_data][product_data][images]',
      cap: 8,
      item: '=https://example.com/a.png',
      base: 'line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=100&line_items[0][price_data][product_data][name]=x',
    },
    {
      route: 'POST /v1/checkout/sessions',
      method: 'POST',
      path: () => '/v1/checkout/sessions',
      param: 'allowed_payment_method_types',
      name: 'allowed_payment_method_types',
      cap: 50,
      item: '=card',
    },
    {
      route: 'POST /v1/checkout/sessions',
      method: 'POST',
      path: () => '/v1/checkout/sessions',
      param: 'payment_method_types',
      name: 'payment_method_types',
      cap: 50,
      item: '=card',
      headers: { 'stripe-version': '2025-01-27.acacia' },
    },
    {
      route: 'POST /v1/checkout/sessions',
      method: 'POST',
      path: () => '/v1/checkout/sessions',
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=line_items',
    },
    {
      route: 'GET /v1/checkout/sessions',
      method: 'GET',
      path: () => '/v1/checkout/sessions',
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=data.line_items',
    },
    {
      route: 'GET /v1/checkout/sessions/:id',
      method: 'GET',
      path: () => `/v1/checkout/sessions/${ids.session}`,
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=line_items',
    },
    {
      route: 'POST /v1/checkout/sessions/:id',
      method: 'POST',
      path: () => `/v1/checkout/sessions/${ids.session}`,
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=line_items',
    },
    {
      route: 'POST /v1/checkout/sessions/:id/expire',
      method: 'POST',
      path: () => `/v1/checkout/sessions/${ids.session}/expire`,
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=line_items',
    },
    {
      route: 'GET /v1/checkout/sessions/:id/line_items',
      method: 'GET',
      path: () => `/v1/checkout/sessions/${ids.session}/line_items`,
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=data.price',
    },
    { route: 'GET /v1/events', method: 'GET', path: () => '/v1/events', param: 'types', name: 'types', cap: 20, item: '=checkout.session.expired' },
    { route: 'GET /v1/events', method: 'GET', path: () => '/v1/events', param: 'expand', name: 'expand', cap: 20, item: '=data.x' },
    { route: 'GET /v1/events/:id', method: 'GET', path: () => `/v1/events/${ids.event}`, param: 'expand', name: 'expand', cap: 20, item: '=x' },
    { route: 'GET /v1/prices', method: 'GET', path: () => '/v1/prices', param: 'lookup_keys', name: 'lookup_keys', cap: 10, item: '=k' },
    { route: 'GET /v1/prices', method: 'GET', path: () => '/v1/prices', param: 'expand', name: 'expand', cap: 20, item: '=data.product' },
    { route: 'GET /v1/prices/:id', method: 'GET', path: () => `/v1/prices/${ids.price}`, param: 'expand', name: 'expand', cap: 20, item: '=product' },
    {
      route: 'GET /v1/products/:id',
      method: 'GET',
      path: () => `/v1/products/${ids.product}`,
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=default_price',
    },
    { route: 'POST /v1/customers', method: 'POST', path: () => '/v1/customers', param: 'expand', name: 'expand', cap: 20, item: '=x' },
    {
      route: 'POST /v1/customers',
      method: 'POST',
      path: () => '/v1/customers',
      param: 'preferred_locales',
      name: 'preferred_locales',
      cap: 30,
      item: '=en',
    },
    {
      route: 'POST /v1/customers',
      method: 'POST',
      path: () => '/v1/customers',
      param: 'invoice_settings[custom_fields]',
      name: 'invoice_settings[custom_fields]',
      cap: 4,
      item: '[name]=n',
    },
    { route: 'GET /v1/customers', method: 'GET', path: () => '/v1/customers', param: 'expand', name: 'expand', cap: 20, item: '=data.x' },
    {
      route: 'GET /v1/customers/search',
      method: 'GET',
      path: () => '/v1/customers/search',
      base: `query=${encodeURIComponent("email:'a@b.co'")}`,
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=data.x',
    },
    {
      route: 'GET /v1/customers/:id',
      method: 'GET',
      path: () => `/v1/customers/${ids.customer}`,
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=x',
    },
    {
      route: 'POST /v1/customers/:id',
      method: 'POST',
      path: () => `/v1/customers/${ids.customer}`,
      param: 'preferred_locales',
      name: 'preferred_locales',
      cap: 30,
      item: '=en',
    },
    ...(['POST', 'GET'] as const).map((method) => ({
      route: `${method} /v1/billing_portal/configurations`,
      method,
      path: () => '/v1/billing_portal/configurations',
      ...(method === 'POST' ? { base: 'features[subscription_cancel][enabled]=true' } : {}),
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=x',
    })),
    {
      route: 'POST /v1/billing_portal/configurations',
      method: 'POST',
      path: () => '/v1/billing_portal/configurations',
      base: 'features[subscription_update][enabled]=true',
      param: 'features[subscription_update][products]',
      name: 'features[subscription_update][products]',
      cap: 10,
      item: '[product]=prod_x',
    },
    ...(['POST', 'GET'] as const).map((method) => ({
      route: `${method} /v1/billing_portal/configurations/:id`,
      method,
      path: () => `/v1/billing_portal/configurations/${ids.configuration}`,
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=x',
    })),
    {
      route: 'POST /v1/billing_portal/sessions',
      method: 'POST',
      path: () => '/v1/billing_portal/sessions',
      base: `customer=${'cus_hostile'}&return_url=${encodeURIComponent('https://merchant.example/account')}`,
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=x',
    },
    {
      route: 'GET /v1/subscriptions',
      method: 'GET',
      path: () => '/v1/subscriptions',
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=data.x',
    },
    {
      route: 'GET /v1/subscriptions/search',
      method: 'GET',
      path: () => '/v1/subscriptions/search',
      base: `query=${encodeURIComponent("status:'active'")}`,
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=data.x',
    },
    {
      route: 'GET /v1/subscriptions/:id',
      method: 'GET',
      path: () => `/v1/subscriptions/${ids.subscription}`,
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=x',
    },
    {
      route: 'POST /v1/subscriptions/:id',
      method: 'POST',
      path: () => `/v1/subscriptions/${ids.subscription}`,
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=x',
    },
    {
      route: 'DELETE /v1/subscriptions/:id',
      method: 'DELETE',
      path: () => `/v1/subscriptions/${ids.subscription}`,
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=x',
    },
    {
      route: 'GET /v1/invoices',
      method: 'GET',
      path: () => '/v1/invoices',
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=data.x',
    },
    {
      route: 'GET /v1/invoices/:id',
      method: 'GET',
      path: () => `/v1/invoices/${ids.invoice}`,
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=x',
    },
    {
      route: 'GET /v1/invoices/:id/lines',
      method: 'GET',
      path: () => `/v1/invoices/${ids.invoice}/lines`,
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=data.x',
    },
    {
      route: 'POST /v1/subscriptions/:id',
      method: 'POST',
      path: () => `/v1/subscriptions/${ids.subscription}`,
      param: 'items',
      name: 'items',
      cap: 20,
      item: '[quantity]=1',
    },
    {
      route: 'GET /v1/prices/search',
      method: 'GET',
      path: () => '/v1/prices/search',
      base: `query=${encodeURIComponent("active:'true'")}`,
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=data.x',
    },
    {
      route: 'POST /v1/prices',
      method: 'POST',
      path: () => '/v1/prices',
      base: 'product_data[name]=Probe&currency=usd&unit_amount=100',
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=x',
    },
    {
      route: 'POST /v1/prices/:id',
      method: 'POST',
      path: () => `/v1/prices/${ids.price}`,
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=x',
    },
    {
      route: 'GET /v1/products',
      method: 'GET',
      path: () => '/v1/products',
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=data.x',
    },
    {
      route: 'GET /v1/products',
      method: 'GET',
      path: () => '/v1/products',
      param: 'ids',
      name: 'ids',
      cap: 100,
      item: '=prod_x',
    },
    {
      route: 'GET /v1/products/search',
      method: 'GET',
      path: () => '/v1/products/search',
      base: `query=${encodeURIComponent("active:'true'")}`,
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=data.x',
    },
    {
      route: 'POST /v1/products',
      method: 'POST',
      path: () => '/v1/products',
      base: 'name=Probe',
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=x',
    },
    {
      route: 'POST /v1/products',
      method: 'POST',
      path: () => '/v1/products',
      base: 'name=Probe',
      param: 'images',
      name: 'images',
      cap: 8,
      item: '=https%3A%2F%2Fexample.com%2Fa.png',
    },
    {
      route: 'POST /v1/products',
      method: 'POST',
      path: () => '/v1/products',
      base: 'name=Probe',
      param: 'marketing_features',
      name: 'marketing_features',
      cap: 15,
      item: '[name]=Fast',
    },
    {
      route: 'POST /v1/products/:id',
      method: 'POST',
      path: () => `/v1/products/${ids.product}`,
      param: 'expand',
      name: 'expand',
      cap: 20,
      item: '=x',
    },
    {
      route: 'POST /v1/products/:id',
      method: 'POST',
      path: () => `/v1/products/${ids.product}`,
      param: 'images',
      name: 'images',
      cap: 8,
      item: '=https%3A%2F%2Fexample.com%2Fa.png',
    },
    {
      route: 'POST /v1/products/:id',
      method: 'POST',
      path: () => `/v1/products/${ids.product}`,
      param: 'marketing_features',
      name: 'marketing_features',
      cap: 15,
      item: '[name]=Fast',
    },
  ];
  /** Routes whose parameters hold no list at all (`customers.del` and `products.del` take none). */
  const WITHOUT_LISTS = ['DELETE /v1/customers/:id', 'DELETE /v1/products/:id'];

  it('the list table covers every Stripe route', () => {
    expect([...new Set([...LISTS.map((list) => list.route), ...WITHOUT_LISTS])].sort()).toEqual(STRIPE_ROUTES.map(routeName).sort());
  });

  describe.each(LISTS.map((list) => [`${list.route} ${list.name}`, list] as const))('%s over its cap', (_name, list) => {
    it.each([
      ['cap + 1, indexed', (cap: number) => cap + 1, true],
      ['cap + 1, a[] style', (cap: number) => cap + 1, false],
      // A query string must fit Node's 16 KB header limit; a body may be far longer.
      ['hundreds of items', () => (list.method === 'POST' ? 2000 : 300), true],
    ])('%s: a 400 naming the list, /healthz answering', async (_what, count, indexed) => {
      const n = count(list.cap);
      const pairs = Array.from({ length: n }, (_, i) => `${list.param}[${indexed ? i : ''}]${list.item}`);
      const params = [list.base, ...pairs].filter(Boolean).join('&');
      const headers = { ...FORM, ...list.headers };
      const probed = await whileProbingHealth([
        () => (list.method === 'POST' ? send('POST', list.path(), headers, params) : send(list.method, `${list.path()}?${params}`, headers)),
      ]);
      expectHealthy(probed);
      const [response] = probed.responses as [RawResponse];
      expect(response.status).toBe(400);
      expect(errorOf(response)).toMatchObject({ param: list.name, message: `Invalid ${list.name}: at most ${list.cap} items` });
    });
  });

  describe('ids of another shape on every id route: 404 resource_missing, never a lookup', () => {
    const OBJECT_NAMES: Record<keyof RouteIds, string> = {
      session: 'checkout.session',
      event: 'event',
      price: 'price',
      product: 'product',
      customer: 'customer',
      configuration: 'configuration',
      subscription: 'subscription',
      invoice: 'invoice',
      emptyProduct: 'product',
    };
    const idRoutes = STRIPE_ROUTES.filter((route) => route.owns !== undefined);

    it('an event id with `:delivered` names the set kept beside the event, which exists', async () => {
      const key = tenantKeys(drill.env.REDIS_KEY_PREFIX ?? '', 'default').eventDeliveredTo(ids.event);
      expect(await redis.type(key)).toBe('set');
      const probed = await whileProbingHealth([() => send('GET', `/v1/events/${ids.event}:delivered`)]);
      expectHealthy(probed);
      expect(probed.responses[0]?.status).toBe(404);
      expect(errorOf(probed.responses[0] as RawResponse)).toEqual({
        type: 'invalid_request_error',
        code: 'resource_missing',
        param: 'id',
        message: `No such event: '${ids.event}:delivered'`,
      });
    });

    describe.each(idRoutes.map((route) => [routeName(route), route] as const))('%s', (_name, route) => {
      const owns = route.owns as keyof RouteIds;
      it.each([
        ['a real id with a key suffix', (id: string) => `${id}:delivered`, (id: string) => `${id}:delivered`],
        ['a real id with a hash tag', (id: string) => `${id}{default}`, (id: string) => `${id}{default}`],
        ['a real id with CR LF', (id: string) => `${id}%0D%0A`, (id: string) => `${id}\r\n`],
        ['a NUL', () => '%00', () => '\u0000'],
        ['a glob', () => '*', () => '*'],
        ['a path', () => '..%2F..%2Fx', () => '../../x'],
        ['a very long id', () => 'x'.repeat(3000), () => 'x'.repeat(3000)],
      ])('%s', async (_what, sent, named) => {
        const id = sent(ids[owns]);
        const probed = await whileProbingHealth([
          () => send(route.method, route.path({ ...ids, [owns]: id }), FORM, route.method === 'POST' ? '' : undefined),
        ]);
        expectHealthy(probed);
        const [response] = probed.responses as [RawResponse];
        expect(response.status).toBe(404);
        expect(errorOf(response)).toEqual({
          type: 'invalid_request_error',
          code: 'resource_missing',
          param: 'id',
          message: `No such ${OBJECT_NAMES[owns]}: '${named(ids[owns])}'`,
        });
      });
    });
  });

  describe('values Stripe refuses: a 400 naming the parameter, nothing created', () => {
    const base = 'mode=payment&line_items[0][price]=price_mug';
    it.each([
      ['success_url with CR LF', `${base}&success_url=https%3A%2F%2Fshop.example%2Fok%0D%0ASet-Cookie%3A%20a%3Db`, 'url_invalid', 'success_url'],
      ['success_url with a leading space', `${base}&success_url=%20https%3A%2F%2Fshop.example%2Fok`, 'url_invalid', 'success_url'],
      ['cancel_url with a TAB', `${base}&cancel_url=https%3A%2F%2Fshop.example%2Fc%09ancel`, 'url_invalid', 'cancel_url'],
      [
        'price_data[currency]=xyz',
        'mode=payment&line_items[0][price_data][currency]=xyz&line_items[0][price_data][unit_amount]=100&line_items[0][price_data][product_data][name]=x',
        undefined,
        'line_items[0][price_data][currency]',
      ],
      [
        'allowed_payment_method_types[]=bitcoin<script>',
        `${base}&allowed_payment_method_types[]=card&allowed_payment_method_types[]=bitcoin%3Cscript%3E`,
        undefined,
        'allowed_payment_method_types[1]',
      ],
    ])('%s', async (_what, body, code, param) => {
      const created = await sessionsInLoops();
      const probed = await whileProbingHealth([() => send('POST', '/v1/checkout/sessions', FORM, body)]);
      expectHealthy(probed);
      const [response] = probed.responses as [RawResponse];
      expect(response.status).toBe(400);
      expect(errorOf(response)).toMatchObject({ type: 'invalid_request_error', param, ...(code ? { code } : {}) });
      expect(await sessionsInLoops()).toBe(created);
    });
  });

  async function sessionsInLoops(): Promise<number> {
    return (await drill.loops.admin('GET', '/_emulator/stats')).json.sessionsCreated as number;
  }
});
